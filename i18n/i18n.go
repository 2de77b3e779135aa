// Package i18n is what the bot says, in English and Simplified Chinese.
//
// The engine and the parser say what happened as data, a Msg: a key
// from the catalogs and its arguments. Each front end renders a Msg in
// the language configured for its platform, escaping the arguments (user
// text, names) for its markup while the catalog's own words stay as
// written. Audit records keep machine values, never rendered text.
//
// The catalogs are golang.org/x/text/message catalogs: positional
// arguments (%[1]s) let each language put them in its own order.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Lang is a language the bot speaks.
type Lang string

const (
	EN Lang = "en"
	ZH Lang = "zh_CN"
)

// Langs are the languages every key exists in.
var Langs = []Lang{EN, ZH}

// ParseLang reads a configured language.
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case EN, ZH:
		return Lang(s), nil
	}
	return "", fmt.Errorf("unknown language %q (en or zh_CN)", s)
}

func (l Lang) tag() language.Tag {
	if l == ZH {
		return language.SimplifiedChinese
	}
	return language.English
}

// Key names a message in the catalogs.
type Key string

// Msg is one thing the bot says, as data.
type Msg struct {
	Key  Key
	Args []any
}

// M makes a Msg.
func M(key Key, args ...any) Msg { return Msg{Key: key, Args: args} }

// IsZero reports whether m says nothing.
func (m Msg) IsZero() bool { return m.Key == "" }

// Raw is an argument rendered as it is, never escaped: the bot's own
// markup-free words (a code, a number) that a front end must not touch.
type Raw string

// Nested is an argument that is itself a message, rendered in the same
// language (and escaped the same way) before it is put in its place. A
// Msg argument is the same.
type Nested Msg

// Lines joins messages one per line.
func Lines(ms ...Msg) Msg { return M(lines, ms) }

// Sentences joins messages as one paragraph: with a space in English,
// without in Chinese.
func Sentences(ms ...Msg) Msg { return M(sentences, ms) }

// Plain is text said as it is, in every language: a platform's own words
// (an error message it gave) that have no translation.
func Plain(s string) Msg { return M(plain, s) }

const (
	lines     Key = "_lines"
	sentences Key = "_sentences"
	plain     Key = "_plain"
)

// Text is one message in every language, side by side so that a missing
// translation shows in review (and fails TestEveryKeyInEveryLanguage).
type Text struct{ EN, ZH string }

// texts is one area's messages.
type texts map[Key]Text

// all is every area's messages: each area keeps its own file.
var all = []texts{internalTexts, engineTexts, frontEndTexts, commandTexts, dingTalkTexts, bulkTexts}

var cat = build()

func build() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, area := range all {
		for k, t := range area {
			for _, l := range []struct {
				lang Lang
				text string
			}{{EN, t.EN}, {ZH, t.ZH}} {
				if err := b.SetString(l.lang.tag(), string(k), l.text); err != nil {
					panic(fmt.Sprintf("i18n: %s %s: %v", l.lang, k, err))
				}
			}
		}
	}
	return b
}

// Printer renders messages in one language.
type Printer struct {
	lang Lang
	p    *message.Printer
}

// For returns the Printer of lang.
func For(lang Lang) *Printer {
	return &Printer{lang: lang, p: message.NewPrinter(lang.tag(), message.Catalog(cat))}
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// Text renders m as plain text.
func (p *Printer) Text(m Msg) string { return p.Escaped(m, nil) }

// Escaped renders m with every string argument passed through escape
// (nil: none), for a front end's markup. Raw arguments are not escaped.
func (p *Printer) Escaped(m Msg, escape func(string) string) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch v := a.(type) {
		case string:
			if escape != nil {
				v = escape(v)
			}
			args[i] = v
		case Raw:
			args[i] = string(v)
		case Nested:
			args[i] = p.Escaped(Msg(v), escape)
		case Msg:
			args[i] = p.Escaped(v, escape)
		case []Msg:
			args[i] = p.join(m.Key, v, escape)
		default:
			args[i] = a
		}
	}
	if m.Key == lines || m.Key == sentences {
		return args[0].(string)
	}
	return p.p.Sprintf(string(m.Key), args...)
}

func (p *Printer) join(key Key, ms []Msg, escape func(string) string) string {
	sep := "\n"
	if key == sentences {
		sep = " "
		if p.lang == ZH {
			sep = ""
		}
	}
	var b strings.Builder
	for i, m := range ms {
		if m.IsZero() {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p.Escaped(m, escape))
	}
	return b.String()
}
