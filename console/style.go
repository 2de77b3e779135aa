package console

import (
	"io"
	"os"

	"golang.org/x/term"
)

// style colours output on a terminal, and nowhere else: piped output and
// NO_COLOR (https://no-color.org) get plain text.
type style struct{ on bool }

var plainStyle = style{}

func styleFor(out io.Writer) style {
	f, ok := out.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return plainStyle
	}
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return plainStyle
	}
	return style{on: true}
}

const (
	sgrBold   = "\x1b[1m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrReset  = "\x1b[0m"
)

func (s style) wrap(sgr, text string) string {
	if !s.on {
		return text
	}
	return sgr + text + sgrReset
}

func (s style) banner(text string) string  { return s.wrap(sgrBold, text) }
func (s style) problem(text string) string { return s.wrap(sgrRed, text) }
func (s style) prompt(text string) string  { return s.wrap(sgrYellow, text) }

func (s style) result(text string, ok bool) string {
	if ok {
		return s.wrap(sgrGreen, text)
	}
	return s.wrap(sgrRed, text)
}
