package i18n

var engineTexts = texts{}
