package i18n

var dingTalkTexts = texts{}
