package main

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/signout-bot/signout-bot/config"
)

// commentedKey is an optional key shown commented out in the example,
// such as "  # team_id: T0123ABCD   # ...".
var commentedKey = regexp.MustCompile(`^(\s*)# ([a-z_]+:.*)$`)

// exampleKeys returns the dotted paths of every key in config.example.yaml,
// the commented-out optional ones included.
func exampleKeys(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for i, l := range lines {
		lines[i] = commentedKey.ReplaceAllString(l, "$1$2")
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(lines, "\n")), &root); err != nil {
		t.Fatalf("config.example.yaml with its optional keys uncommented: %v", err)
	}
	keys := map[string]bool{}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind == yaml.DocumentNode {
			walk(n.Content[0], prefix)
			return
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			path := prefix + n.Content[i].Value
			keys[path] = true
			walk(n.Content[i+1], path+".")
		}
	}
	walk(&root, "")
	return keys
}

// structKeys returns the dotted YAML paths of config.Config. A map field
// (per-language messages) is one key: its entries are data, not keys.
func structKeys(typ reflect.Type, prefix string, keys map[string]bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		path := prefix + name
		keys[path] = true
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(config.Secret("")) {
			structKeys(ft, path+".", keys)
		}
	}
}

// TestExampleConfigDocumentsEveryKey fails when a config key exists that
// config.example.yaml doesn't show, or the example shows a key the bot
// doesn't know.
func TestExampleConfigDocumentsEveryKey(t *testing.T) {
	example := exampleKeys(t)
	known := map[string]bool{}
	structKeys(reflect.TypeOf(config.Config{}), "", known)
	for k := range example {
		// Entries under a map key (signout.employee_message.en_US) are data.
		if parent := k[:max(strings.LastIndex(k, "."), 0)]; !known[k] && !known[parent] {
			t.Errorf("config.example.yaml shows %s, which the bot does not know", k)
		}
	}
	var missing []string
	for k := range known {
		if !example[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("config key %s is not shown in config.example.yaml", k)
	}
}

// TestReadmeNamesEveryConfigSection keeps the README's prose in step with
// the config's top-level sections.
func TestReadmeNamesEveryConfigSection(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	structKeys(reflect.TypeOf(config.Config{}), "", known)
	for k := range known {
		if strings.Contains(k, ".") {
			continue
		}
		if !strings.Contains(string(readme), "`"+k) {
			t.Errorf("README.md never mentions the config section %s", k)
		}
	}
}
