package i18n

// The printer's own keys: joins and plain text.
var internalTexts = texts{
	plain:    {EN: "%[1]s", ZH: "%[1]s"},
	untilKey: {EN: "%[1]s UTC, in %[2]s", ZH: "%[1]s UTC（%[2]s后）"},
}
