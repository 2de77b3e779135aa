package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problems is every problem found in a config, one line each, naming the key.
type Problems []string

func (p Problems) Error() string { return strings.Join(p, "\n") }

// maxFileSize bounds what Load reads: a config is a few kilobytes.
const maxFileSize = 1 << 20

// Load reads, expands, decodes and validates the file at path. Any error is
// a *MissingFileError, another read error, or Problems.
func Load(path string) (*Config, error) {
	raw, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(raw, os.LookupEnv)
}

// MissingFileError is a config file that does not exist.
type MissingFileError struct {
	Path string
	Err  error
}

func (e *MissingFileError) Error() string {
	return fmt.Sprintf("%s: no such file; copy config.example.yaml to %s and edit it", e.Path, e.Path)
}

func (e *MissingFileError) Unwrap() error { return e.Err }

func readFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &MissingFileError{Path: path, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return raw, nil
}

// Parse is Load for bytes already read; lookup resolves ${NAME}.
func Parse(raw []byte, lookup func(string) (string, bool)) (*Config, error) {
	cfg, p := parse(raw, lookup)
	if len(p) > 0 {
		return nil, p
	}
	return cfg, nil
}

// parse returns every problem in raw and the config as far as it could be
// decoded: nil only when raw is not YAML at all.
func parse(raw []byte, lookup func(string) (string, bool)) (*Config, Problems) {
	if len(raw) > maxFileSize {
		return nil, Problems{fmt.Sprintf("config: file is larger than %d bytes", maxFileSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, Problems{"config: " + yamlMessage(err)}
	}
	d := &decoder{origin: map[*yaml.Node]string{}, missing: map[string]envRef{}, bad: map[string]bool{}}
	expand(&doc, "", lookup, d)

	cfg := &Config{}
	d.document(&doc, cfg)
	cfg.Slack.present = sectionPresent(&doc, "slack")
	cfg.applyDefaults()
	return cfg, append(d.p, cfg.validate(d.missing, d.bad)...)
}

// envRef is a ${NAME} that gave a key no value.
type envRef struct {
	name string
	set  bool // set but empty, rather than unset
}

func (r envRef) problem() string {
	if r.set {
		return fmt.Sprintf("environment variable %s is set but empty", r.name)
	}
	return fmt.Sprintf("environment variable %s is not set", r.name)
}

var envRefRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces ${NAME} in scalar values in place, recording each
// expanded scalar's text and, for each key path, a variable that was unset or empty. Only values are expanded, never keys,
// and the result stays one scalar: an environment value can't inject YAML.
func expand(n *yaml.Node, path string, lookup func(string) (string, bool), d *decoder) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			expand(c, path, lookup, d)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if path != "" {
				key = path + "." + key
			}
			expand(n.Content[i+1], key, lookup, d)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		plain := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
		d.origin[n] = n.Value
		n.Value = envRefRE.ReplaceAllStringFunc(n.Value, func(ref string) string {
			name := envRefRE.FindStringSubmatch(ref)[1]
			v, ok := lookup(name)
			if !ok || v == "" {
				d.missing[path] = envRef{name: name, set: ok}
			}
			return v
		})
		n.Tag = scalarTag(n.Value, plain)
		n.Style = 0
	}
}

// scalarTag keeps an expanded value what it looks like when written plain
// (dry_run: ${DRY_RUN} may be a bool), and text otherwise, so that a secret
// such as "null" or "0123" stays the string it is.
func scalarTag(v string, plain bool) string {
	if plain {
		switch v {
		case "true", "false":
			return "!!bool"
		}
		if v != "" && strings.Trim(v, "0123456789") == "" && (v == "0" || v[0] != '0') {
			return "!!int"
		}
	}
	return "!!str"
}

func sectionPresent(doc *yaml.Node, key string) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			return !(v.Kind == yaml.ScalarNode && v.Tag == "!!null")
		}
	}
	return false
}

func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
