package i18n

import (
	"regexp"
	"slices"
	"strings"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// placeholders lists a text's verbs, sorted, "%%" left out.
func placeholders(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Samples is every catalog message with arguments filled in: each string
// argument is arg, each number 12345. Front ends render them all to check
// that whatever the engine says fits their platform's limits.
func Samples(arg string) []Msg {
	var out []Msg
	for _, area := range all {
		for k, t := range area {
			if strings.HasPrefix(string(k), "_") {
				continue
			}
			out = append(out, M(k, sampleArgs(t.EN, arg)...))
		}
	}
	slices.SortFunc(out, func(a, b Msg) int { return strings.Compare(string(a.Key), string(b.Key)) })
	return out
}

// sampleArgs gives one argument per positional verb of text.
func sampleArgs(text, arg string) []any {
	var args []any
	for _, v := range placeholders(text) {
		n := int(v[2] - '0')
		for len(args) < n {
			args = append(args, nil)
		}
		if strings.HasSuffix(v, "d") {
			args[n-1] = 12345
		} else {
			args[n-1] = arg
		}
	}
	return args
}
