package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder fills a Config from the expanded node tree one key at a time, so
// that a value of the wrong type is one problem naming its key and the rest
// of the file is still decoded and validated.
type decoder struct {
	origin  map[*yaml.Node]string // scalars that held ${NAME}: their text before expansion
	missing map[string]envRef     // key -> the variable it needed, unset or empty
	p       Problems
	bad     map[string]bool // keys with a type problem: validation says nothing more about them
}

func (d *decoder) document(doc *yaml.Node, cfg *Config) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // empty file: all defaults
	}
	top := doc.Content[0]
	if isNull(top) {
		return
	}
	if top.Kind != yaml.MappingNode {
		d.p = append(d.p, fmt.Sprintf("config: line %d: the file must be keys such as dry_run: and slack:, not %s", top.Line, kindName(top)))
		return
	}
	d.section(top, reflect.ValueOf(cfg).Elem(), "")
}

// section decodes a mapping into a struct, field by yaml tag.
func (d *decoder) section(n *yaml.Node, v reflect.Value, key string) {
	fields := map[string]reflect.Value{}
	for i := 0; i < v.NumField(); i++ {
		if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); name != "" {
			fields[name] = v.Field(i)
		}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" { // <<: *anchor
			if m := resolve(val); m.Kind == yaml.MappingNode {
				d.section(m, v, key)
			}
			continue
		}
		f, ok := fields[k.Value]
		if !ok {
			d.p = append(d.p, fmt.Sprintf("config: line %d: unknown key %q", k.Line, k.Value))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.p = append(d.p, fmt.Sprintf("config: line %d: key %q is already set at line %d", k.Line, k.Value, line))
			continue
		}
		seen[k.Value] = k.Line
		d.value(val, f, join(key, k.Value))
	}
}

// value decodes n into v, recursing into sections, lists and maps so that
// each problem names the innermost key.
func (d *decoder) value(n *yaml.Node, v reflect.Value, key string) {
	n = resolve(n)
	if v.Type() == reflect.TypeFor[time.Duration]() || v.Kind() == reflect.Pointer && isNull(n) {
		d.leaf(n, v, key)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if d.leaf(n, elem.Elem(), key) {
			v.Set(elem)
		}
	case reflect.Struct:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.wrong(n, key, "a section", "write its keys on the lines below it, indented")
			return
		}
		d.section(n, v, key)
	case reflect.Slice:
		d.list(n, v, key)
	case reflect.Map:
		d.dict(n, v, key)
	default:
		d.leaf(n, v, key)
	}
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, key string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		example := "[U0123ABCD, U0456EFGH]"
		if n.Kind == yaml.ScalarNode && d.origin[n] == "" {
			example = "[" + n.Value + "]"
		}
		d.wrong(n, key, "a list", "write it like "+example)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", key, i))
	}
	v.Set(s)
}

func (d *decoder) dict(n *yaml.Node, v reflect.Value, key string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.wrong(n, key, "a section", `write it like en_US: "text" on the lines below it, indented`)
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(n.Content[i+1], elem, join(key, k.Value))
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// leaf decodes a scalar with yaml's own rules; it reports whether it did.
func (d *decoder) leaf(n *yaml.Node, v reflect.Value, key string) bool {
	if err := n.Decode(v.Addr().Interface()); err == nil {
		return true
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Duration]():
		d.wrong(n, key, "a duration", "write it like 2m or 90s")
	case v.Kind() == reflect.Bool:
		d.wrong(n, key, "true or false", "write true or false")
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Uint64:
		d.wrong(n, key, "a whole number", "write it like 300")
	default:
		d.wrong(n, key, "a single value", "write it on the same line as the key")
	}
	return false
}

// wrong records that key holds something other than want. An expanded value
// is described by its variable, never printed: it may be a secret.
func (d *decoder) wrong(n *yaml.Node, key, want, hint string) {
	d.bad[key] = true
	if ref, ok := d.missing[key]; ok {
		d.p = append(d.p, key+": "+ref.problem())
		return
	}
	got := kindName(n)
	if orig, ok := d.origin[n]; ok {
		got = "the value of " + orig
	} else if n.Kind == yaml.ScalarNode {
		got = fmt.Sprintf("%q", n.Value)
	}
	d.p = append(d.p, fmt.Sprintf("%s: %s is not %s; %s", key, got, want, hint))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a section"
	}
	return fmt.Sprintf("%q", n.Value)
}

// resolve follows an alias (*anchor) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
