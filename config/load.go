package config

import (
	"bytes"
	"errors"
	"fmt"
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
// either a read error or Problems.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(raw, os.LookupEnv)
}

// Parse is Load for bytes already read; lookup resolves ${NAME}.
func Parse(raw []byte, lookup func(string) (string, bool)) (*Config, error) {
	if len(raw) > maxFileSize {
		return nil, Problems{fmt.Sprintf("config: file is larger than %d bytes", maxFileSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, Problems{"config: " + yamlMessage(err)}
	}
	missing := map[string]string{}
	expand(&doc, "", lookup, missing)

	cfg := &Config{}
	if err := decode(raw, &doc, cfg); err != nil {
		return nil, err
	}
	cfg.Slack.present = sectionPresent(&doc, "slack")
	cfg.applyDefaults()
	if p := cfg.validate(missing); len(p) > 0 {
		return nil, p
	}
	return cfg, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces ${NAME} in scalar values in place, recording for each key
// path the variables that were not set. Only values are expanded, never keys,
// and the result stays one scalar: an environment value can't inject YAML.
func expand(n *yaml.Node, path string, lookup func(string) (string, bool), missing map[string]string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			expand(c, path, lookup, missing)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if path != "" {
				key = path + "." + key
			}
			expand(n.Content[i+1], key, lookup, missing)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		plain := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			name := envRef.FindStringSubmatch(ref)[1]
			v, ok := lookup(name)
			if !ok || v == "" {
				missing[path] = name
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

// decode fills cfg from the expanded document. Unknown keys are found on the
// raw text, so that their line numbers are the ones the operator sees.
func decode(raw []byte, doc *yaml.Node, cfg *Config) error {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty file: all defaults
	}
	var p Problems
	strict := yaml.NewDecoder(bytes.NewReader(raw))
	strict.KnownFields(true)
	var scratch Config
	for _, e := range typeErrors(strict.Decode(&scratch)) {
		if strings.Contains(e, " not found in type ") {
			p = append(p, "config: "+unknownKey(e))
		}
	}
	for _, e := range typeErrors(doc.Decode(cfg)) {
		p = append(p, "config: "+e)
	}
	if len(p) > 0 {
		return p
	}
	return nil
}

func typeErrors(err error) []string {
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return te.Errors
	}
	return []string{yamlMessage(err)}
}

var notFound = regexp.MustCompile(`^(line \d+): field (\S+) not found in type config\.(\w+)$`)

// unknownKey turns yaml's "line 3: field foo not found in type config.SlackConfig"
// into "line 3: unknown key "foo"".
func unknownKey(e string) string {
	m := notFound.FindStringSubmatch(e)
	if m == nil {
		return e
	}
	return fmt.Sprintf("%s: unknown key %q", m[1], m[2])
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
