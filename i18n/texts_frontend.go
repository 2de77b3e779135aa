package i18n

var frontEndTexts = texts{}
