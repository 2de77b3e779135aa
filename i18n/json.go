package i18n

import (
	"encoding/json"
	"fmt"
)

// A Msg is stored with requests (a shared store keeps them as JSON), so it
// keeps its arguments' kinds: a string to escape, a Raw, a number, a
// nested message, a list.
type jsonMsg struct {
	Key  Key       `json:"key"`
	Args []jsonArg `json:"args,omitempty"`
}

type jsonArg struct {
	S *string `json:"s,omitempty"`
	R *string `json:"r,omitempty"`
	I *int64  `json:"i,omitempty"`
	M *Msg    `json:"m,omitempty"`
	L []Msg   `json:"l,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (m Msg) MarshalJSON() ([]byte, error) {
	if m.IsZero() {
		return []byte("null"), nil
	}
	out := jsonMsg{Key: m.Key, Args: make([]jsonArg, len(m.Args))}
	for i, a := range m.Args {
		switch v := a.(type) {
		case string:
			out.Args[i].S = &v
		case Raw:
			s := string(v)
			out.Args[i].R = &s
		case int:
			n := int64(v)
			out.Args[i].I = &n
		case int64:
			out.Args[i].I = &v
		case Msg:
			out.Args[i].M = &v
		case Nested:
			n := Msg(v)
			out.Args[i].M = &n
		case []Msg:
			out.Args[i].L = v
		default:
			return nil, fmt.Errorf("i18n: %s: argument %d of type %T can't be stored", m.Key, i+1, a)
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Msg) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Msg{}
		return nil
	}
	var in jsonMsg
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*m = Msg{Key: in.Key}
	for _, a := range in.Args {
		switch {
		case a.S != nil:
			m.Args = append(m.Args, *a.S)
		case a.R != nil:
			m.Args = append(m.Args, Raw(*a.R))
		case a.I != nil:
			m.Args = append(m.Args, int(*a.I))
		case a.M != nil:
			m.Args = append(m.Args, *a.M)
		default:
			m.Args = append(m.Args, a.L)
		}
	}
	return nil
}
