package config

import (
	"fmt"
	"log/slog"
)

// Secret holds a credential. It prints as <secret> in every format, JSON, YAML
// and slog, so a config dump or a log line can never leak it. Call Reveal at
// the one place that hands it to a platform client.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret value itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format covers every verb (%v, %+v, %#v, %s, %q, %x, ...).
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) MarshalYAML() (any, error)    { return redacted, nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
