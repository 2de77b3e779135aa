package audit

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRead: any bytes either read whole, or fail naming a line that
// exists, with every record before it returned.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"time":"2026-12-01T00:00:00Z","event":"requested","platform":"slack","invoker":"U1","target":"alice","reason":"x"}` + "\n"))
	f.Add([]byte("{\"event\":\"denied\"}\n{\"ev"))
	f.Add([]byte("\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := Read(bytes.NewReader(data))
		lines := bytes.Count(data, []byte("\n")) + 1
		if err == nil {
			if len(recs) != bytes.Count(data, []byte("\n")) {
				t.Fatalf("%d records from %d lines", len(recs), lines-1)
			}
			return
		}
		var d *DamageError
		if !errors.As(err, &d) {
			t.Fatalf("not a damage error (a bytes.Reader never fails): %v", err)
		}
		if d.Line < 1 || d.Line > lines {
			t.Fatalf("damage at line %d of %d: %v", d.Line, lines, err)
		}
		if len(recs) != d.Line-1 {
			t.Fatalf("%d records before damage at line %d", len(recs), d.Line)
		}
	})
}
