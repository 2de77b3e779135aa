package i18n

var commandTexts = texts{}
