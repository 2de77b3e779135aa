//go:build race

package main

// raceEnabled builds the binary under test with the race detector too, so
// the end-to-end tests also check the real process for data races.
const raceEnabled = true
