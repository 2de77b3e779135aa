package commands

// A terminal control sequence typed or pasted into a command (a colour
// code, a window title, the ESC [ D of a console's arrow key) would show
// its printable tail in the prompt and the audit log if only its control
// characters were removed: "\x1b[31mRED" would read "[31mRED". Normalize
// removes each sequence whole, as a terminal (ECMA-48, xterm) reads it:
//
//   - ESC, intermediates 0x20-0x2F, a final byte 0x30-0x7E ("ESC 7", "ESC ( B")
//   - SS2, SS3 (ESC N, ESC O, U+008E, U+008F) and the character they shift:
//     a console's arrow keys in application mode send ESC O A
//   - CSI: ESC [ or U+009B, parameters and intermediates 0x20-0x3F, a final byte 0x40-0x7E
//   - OSC (ESC ] or U+009D), DCS (ESC P, U+0090), SOS (ESC X, U+0098),
//     PM (ESC ^, U+009E), APC (ESC _, U+009F): everything up to the string
//     terminator ESC \ or U+009C, or BEL for OSC
//
// A character that can't continue a sequence ends it and is read afresh
// (an ESC starts a new one, CAN and SUB cancel it); a sequence that is
// never finished runs to the end of the text, so no payload is left.

type seqState int

const (
	seqGround       seqState = iota // not in a sequence
	seqEscape                       // after ESC
	seqEscInter                     // after ESC and intermediates, before the final byte
	seqCSI                          // in a control sequence, before the final byte
	seqSingleShift                  // after SS2 or SS3, before the character they shift
	seqString                       // in the payload of OSC, DCS, SOS, PM or APC
	seqStringEscape                 // after an ESC in a payload: ST if "\" follows
)

const (
	esc   = 0x1b
	bel   = 0x07
	can   = 0x18
	sub   = 0x1a
	c1CSI = 0x9b
	c1OSC = 0x9d
	c1ST  = 0x9c
)

// sequenceScanner follows text rune by rune to tell which runes belong to
// a terminal control sequence.
type sequenceScanner struct {
	state seqState
	osc   bool // the payload is an OSC's, which BEL may end
}

// scan reads r and reports whether it belongs to a control sequence, and
// whether it starts one.
func (sc *sequenceScanner) scan(r rune) (inSeq, started bool) {
	switch sc.state {
	case seqEscape:
		switch {
		case r == '[':
			sc.state = seqCSI
		case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
			sc.startString(r == ']')
		case r == 'N' || r == 'O':
			sc.state = seqSingleShift
		case 0x20 <= r && r <= 0x2f:
			sc.state = seqEscInter
		case 0x30 <= r && r <= 0x7e:
			sc.state = seqGround
		default:
			return sc.abort(r)
		}
	case seqEscInter:
		switch {
		case 0x20 <= r && r <= 0x2f:
		case 0x30 <= r && r <= 0x7e:
			sc.state = seqGround
		default:
			return sc.abort(r)
		}
	case seqCSI:
		switch {
		case 0x20 <= r && r <= 0x3f:
		case 0x40 <= r && r <= 0x7e:
			sc.state = seqGround
		default:
			return sc.abort(r)
		}
	case seqSingleShift:
		if r < 0x20 || r == 0x7f || 0x80 <= r && r <= 0x9f {
			return sc.abort(r)
		}
		sc.state = seqGround
	case seqString:
		switch {
		case r == esc:
			sc.state = seqStringEscape
		case r == c1ST, r == bel && sc.osc, r == can, r == sub:
			sc.state = seqGround
		}
	case seqStringEscape:
		if r == '\\' {
			sc.state = seqGround
			return true, false
		}
		// The ESC ends the payload and starts a sequence of its own.
		sc.state = seqEscape
		return sc.scan(r)
	default:
		return sc.scanGround(r)
	}
	return true, false
}

// abort ends the sequence r can't continue and reads r afresh.
func (sc *sequenceScanner) abort(r rune) (inSeq, started bool) {
	sc.state = seqGround
	return sc.scanGround(r)
}

func (sc *sequenceScanner) scanGround(r rune) (inSeq, started bool) {
	switch r {
	case esc:
		sc.state = seqEscape
	case c1CSI:
		sc.state = seqCSI
	case 0x8e, 0x8f: // SS2, SS3
		sc.state = seqSingleShift
	case c1OSC:
		sc.startString(true)
	case 0x90, 0x98, 0x9e, 0x9f: // DCS, SOS, PM, APC
		sc.startString(false)
	default:
		return false, false
	}
	return true, true
}

func (sc *sequenceScanner) startString(osc bool) {
	sc.state = seqString
	sc.osc = osc
}
