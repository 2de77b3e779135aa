// Package fakedingtalk holds in-process fakes of DingTalk for tests. They
// speak DingTalk's real wire shapes over real sockets on 127.0.0.1.
package fakedingtalk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
)

// The only app credentials the fake OpenAPI accepts.
const (
	ClientID     = "ding-test-app"
	ClientSecret = "test-secret-value"
)

// Paths the fake OpenAPI serves.
const (
	PathAccessToken    = "/v1.0/oauth2/accessToken"
	PathSignOut        = "/v1.0/contact/orgAccounts/signOut"
	PathGetByMobile    = "/topapi/v2/user/getbymobile"
	PathUserGet        = "/topapi/v2/user/get"
	PathGroupSend      = "/v1.0/robot/groupMessages/send"
	PathBatchSend      = "/v1.0/robot/oToMessages/batchSend"
	PathSessionWebhook = "/robot/sendBySession"
	PathDisable        = "/v1.0/contact/orgAccounts/disable"
	PathEnable         = "/v1.0/contact/orgAccounts/enable"
	PathStatus         = "/v1.0/contact/orgAccounts/status" // GET ?userId=
)

// FakeUser is a member of the fake org. Several users may share a Mobile: a
// personal account and the Enterprise Accounts (Exclusive) the org created
// for the same person; getbymobile then lists the Enterprise Accounts in
// exclusive_account_userid_list.
type FakeUser struct {
	UserID    string
	Name      string
	Title     string
	Mobile    string
	DeptIDs   []int64
	Exclusive bool // an Enterprise Account (专属帐号) of this org: signOut accepts only these
	Inactive  bool // has not activated DingTalk (user/get "active": false)
	Disabled  bool // disabled at the start (orgAccounts/status "disable": true)
	// Aliases are other spellings of UserID (say "CEO001" for "ceo001") that
	// user/get and signOut accept for this user, as DingTalk does; user/get
	// then answers with the canonical UserID.
	Aliases []string
}

// Response is a canned answer queued with Script. Status 0 with an empty
// Body means "wait Delay, then answer as usual"; otherwise Status 0 means 200.
// The wait ends early if the client goes away.
type Response struct {
	Status      int
	Body        string
	ContentType string // "" means application/json
	Delay       time.Duration
	Header      map[string]string
}

// Request is a request the fake received, scripted or not.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
	At     time.Time
}

// SignOutBody is a signOut request the fake accepted.
type SignOutBody struct {
	UserID     string            `json:"userId"`
	Reason     string            `json:"reason"`
	ReasonI18n map[string]string `json:"reasonI18nForEmployee"`
}

// DisableBody is an orgAccounts/disable request the fake accepted.
type DisableBody struct {
	UserID string `json:"userId"`
	Reason string `json:"reason"`
}

// GroupMessage is a groupMessages/send request the fake accepted.
type GroupMessage struct {
	RobotCode          string
	OpenConversationID string
	MsgKey             string
	MsgParam           json.RawMessage // the decoded msgParam string
}

// DirectMessage is a oToMessages/batchSend request, with the users it reached.
type DirectMessage struct {
	RobotCode string
	UserIDs   []string // delivered to
	MsgKey    string
	MsgParam  json.RawMessage
}

// OpenAPI fakes DingTalk's api and oapi hosts (both at URL()) and session
// webhooks. It checks credentials and tokens as DingTalk does: the new-style
// API answers a missing or wrong x-acs-dingtalk-access-token with HTTP 400
// (AuthenticationFailed.MissingParameter / InvalidAuthentication); the legacy
// API answers a wrong ?access_token= with errcode 88, sub_code "40014".
// Codes not documented by DingTalk are the fake's own choice and say so in
// their message.
type OpenAPI struct {
	srv       *httptest.Server
	closeOnce sync.Once

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever anything is recorded
	users      map[string]FakeUser
	tokens     map[string]time.Time // issued token -> expiry
	current    string
	lifetime   time.Duration
	scripts    map[string][]Response
	requests   []Request
	signOuts   []SignOutBody
	disables   []DisableBody
	enables    []string        // userIds enabled
	disabled   map[string]bool // canonical userId -> disabled now
	limit      *qpsLimit       // nil: no cap
	groupMsgs  []GroupMessage
	directMsgs []DirectMessage
	sessions   map[string][]json.RawMessage
	seq        int
}

// NewOpenAPI starts a fake on 127.0.0.1 and closes it when t ends.
func NewOpenAPI(t testing.TB) *OpenAPI {
	f := &OpenAPI{
		changed:  make(chan struct{}),
		users:    map[string]FakeUser{},
		disabled: map[string]bool{},
		tokens:   map[string]time.Time{},
		lifetime: 7200 * time.Second,
		scripts:  map[string][]Response{},
		sessions: map[string][]json.RawMessage{},
	}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.Close)
	return f
}

// URL is the base URL of both the api and the oapi host.
func (f *OpenAPI) URL() string { return f.srv.URL }

// Close drops client connections (ending scripted delays) and stops the server.
// It may be called more than once.
func (f *OpenAPI) Close() {
	f.closeOnce.Do(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
}

// AddUser adds or replaces a user, disabled if u.Disabled.
func (f *OpenAPI) AddUser(u FakeUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[u.UserID] = u
	f.disabled[u.UserID] = u.Disabled
}

// Script queues canned responses for the next requests to path, in order,
// before normal handling.
func (f *OpenAPI) Script(path string, rs ...Response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[path] = append(f.scripts[path], rs...)
}

// SetTokenLifetime sets the validity of tokens issued from now on, which is
// also the expireIn the token endpoint reports (in whole seconds).
func (f *OpenAPI) SetTokenLifetime(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lifetime = d
}

// ExpireTokens invalidates every issued token; the next token request gets a
// new one.
func (f *OpenAPI) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
	f.current = ""
}

// CurrentToken is the token the token endpoint hands out now ("" if none).
func (f *OpenAPI) CurrentToken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if exp, ok := f.tokens[f.current]; ok && time.Now().Before(exp) {
		return f.current
	}
	return ""
}

// Requests returns the requests received on path so far.
func (f *OpenAPI) Requests(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requestsLocked(path)
}

func (f *OpenAPI) requestsLocked(path string) []Request {
	var out []Request
	for _, r := range f.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// notifyLocked wakes every Await and WaitRequests; f.mu must be held.
func (f *OpenAPI) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Await blocks until cond, re-checked whenever the fake records a request,
// a sign-out or a message, is true; or returns ctx's error naming what.
// cond may call the fake's accessors (SessionMessages, SignOuts, ...).
func (f *OpenAPI) Await(ctx context.Context, what string, cond func() bool) error {
	for {
		f.mu.Lock()
		changed := f.changed
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("fakedingtalk: waiting for %s: %w", what, ctx.Err())
		}
	}
}

// WaitRequests blocks until at least n requests to path have arrived, then
// returns them all; or returns ctx's error.
func (f *OpenAPI) WaitRequests(ctx context.Context, path string, n int) ([]Request, error) {
	for {
		f.mu.Lock()
		rs := f.requestsLocked(path)
		changed := f.changed
		f.mu.Unlock()
		if len(rs) >= n {
			return rs, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return rs, fmt.Errorf("fakedingtalk: %d of %d requests to %s: %w", len(rs), n, path, ctx.Err())
		}
	}
}

// SignOuts returns the signOut requests that succeeded.
func (f *OpenAPI) SignOuts() []SignOutBody {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.signOuts)
}

// Disables returns the orgAccounts/disable requests that succeeded.
func (f *OpenAPI) Disables() []DisableBody {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.disables)
}

// Enables returns the userIds of the orgAccounts/enable requests that
// succeeded.
func (f *OpenAPI) Enables() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.enables)
}

// Disabled reports whether the user with this UserID is disabled now.
func (f *OpenAPI) Disabled(userID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.disabled[userID]
}

// GroupMessages returns the group robot messages accepted.
func (f *OpenAPI) GroupMessages() []GroupMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.groupMsgs)
}

// DirectMessages returns the one-to-one robot messages accepted.
func (f *OpenAPI) DirectMessages() []DirectMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.directMsgs)
}

// SessionWebhookURL opens a session and returns its sessionWebhook URL.
// Posts to sessions never opened are refused.
func (f *OpenAPI) SessionWebhookURL(session string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.sessions[session]; !ok {
		f.sessions[session] = nil
	}
	return f.srv.URL + PathSessionWebhook + "?session=" + url.QueryEscape(session)
}

// SessionMessages returns the messages posted to a session's webhook.
func (f *OpenAPI) SessionMessages(session string) []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sessions[session])
}

// ServeHTTP records the request, answers it as throttled if it is over the
// cap (LimitQPS), plays a scripted response if one is queued, and otherwise
// answers as DingTalk would.
func (f *OpenAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	resp, scripted, throttled := f.record(r, body)
	if throttled {
		f.throttle(w, r)
		return
	}
	if scripted {
		if !openAPIWait(r, resp.Delay) {
			return
		}
		if resp.Status != 0 || resp.Body != "" {
			openAPIWriteScripted(w, resp)
			return
		}
	}
	want := http.MethodPost
	if r.URL.Path == PathStatus {
		want = http.MethodGet
	}
	if r.Method != want {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case PathAccessToken:
		f.accessToken(w, r, body)
	case PathSignOut:
		f.withHeaderToken(w, r, body, f.signOut)
	case PathGroupSend:
		f.withHeaderToken(w, r, body, f.groupSend)
	case PathBatchSend:
		f.withHeaderToken(w, r, body, f.batchSend)
	case PathGetByMobile:
		f.withQueryToken(w, r, body, f.getByMobile)
	case PathUserGet:
		f.withQueryToken(w, r, body, f.userGet)
	case PathDisable:
		f.withHeaderToken(w, r, body, f.disable)
	case PathEnable:
		f.withHeaderToken(w, r, body, f.enable)
	case PathStatus:
		f.withHeaderToken(w, r, body, f.status)
	case PathSessionWebhook:
		f.sessionWebhook(w, r, body)
	default:
		http.NotFound(w, r)
	}
}

func (f *OpenAPI) record(r *http.Request, body []byte) (resp Response, scripted, throttled bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.requests = append(f.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Header: r.Header.Clone(), Body: body, At: now,
	})
	f.notifyLocked()
	if f.limit != nil && r.URL.Path != PathSessionWebhook && !f.limit.allow(r.URL.Path, now) {
		return Response{}, false, true
	}
	q := f.scripts[r.URL.Path]
	if len(q) == 0 {
		return Response{}, false, false
	}
	f.scripts[r.URL.Path] = q[1:]
	return q[0], true, false
}

// openAPIWait waits d, or reports false if the client hung up first.
func openAPIWait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func openAPIWriteScripted(w http.ResponseWriter, resp Response) {
	ct := resp.ContentType
	if ct == "" {
		ct = "application/json;charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, resp.Body)
}

func (f *OpenAPI) requestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("FAKE-%04d-%s", f.seq, openAPIRandomHex(4))
}

func openAPIRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func openAPIWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError answers in the new-style error shape.
func (f *OpenAPI) apiError(w http.ResponseWriter, status int, code, message string) {
	id := f.requestID()
	w.Header().Set("x-acs-request-id", id)
	openAPIWriteJSON(w, status, map[string]string{"code": code, "message": message, "requestid": id})
}

// legacyError answers in the old-style shape: HTTP 200 and errcode != 0.
func (f *OpenAPI) legacyError(w http.ResponseWriter, errcode int, errmsg string) {
	openAPIWriteJSON(w, http.StatusOK, map[string]any{"errcode": errcode, "errmsg": errmsg, "request_id": f.requestID()})
}

func (f *OpenAPI) legacyOK(w http.ResponseWriter, result any) {
	openAPIWriteJSON(w, http.StatusOK, map[string]any{"errcode": 0, "errmsg": "ok", "result": result, "request_id": f.requestID()})
}

// openAPIDecodeJSON decodes a JSON request body strictly enough to catch a client
// that sends the wrong shape (DingTalk rejects form bodies on the new API).
func openAPIDecodeJSON(r *http.Request, body []byte, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("content type %q is not application/json", r.Header.Get("Content-Type"))
	}
	return json.Unmarshal(body, v)
}

func (f *OpenAPI) accessToken(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		AppKey    string `json:"appKey"`
		AppSecret string `json:"appSecret"`
	}
	if err := openAPIDecodeJSON(r, body, &in); err != nil {
		f.apiError(w, http.StatusBadRequest, "MissingParameter", "body is mandatory (fake): "+err.Error())
		return
	}
	if in.AppKey != ClientID || in.AppSecret != ClientSecret {
		f.apiError(w, http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
		return
	}
	f.mu.Lock()
	now := time.Now()
	// As DingTalk does: a fetch within the validity returns the same token
	// and extends it.
	if exp, ok := f.tokens[f.current]; !ok || !now.Before(exp) {
		f.current = "fake-token-" + openAPIRandomHex(16)
	}
	f.tokens[f.current] = now.Add(f.lifetime)
	tok, expireIn := f.current, int64(f.lifetime/time.Second)
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]any{"accessToken": tok, "expireIn": expireIn})
}

func (f *OpenAPI) validToken(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	exp, ok := f.tokens[tok]
	return ok && time.Now().Before(exp)
}

type openAPIHandler func(w http.ResponseWriter, r *http.Request, body []byte)

func (f *OpenAPI) withHeaderToken(w http.ResponseWriter, r *http.Request, body []byte, next openAPIHandler) {
	tok := r.Header.Get("x-acs-dingtalk-access-token")
	switch {
	case tok == "":
		f.apiError(w, http.StatusBadRequest, "AuthenticationFailed.MissingParameter", "缺少参数 x-acs-dingtalk-access-token")
	case !f.validToken(tok):
		f.apiError(w, http.StatusBadRequest, "InvalidAuthentication", "不合法的access_token")
	default:
		next(w, r, body)
	}
}

func (f *OpenAPI) withQueryToken(w http.ResponseWriter, r *http.Request, body []byte, next openAPIHandler) {
	if !f.validToken(r.URL.Query().Get("access_token")) {
		openAPIWriteJSON(w, http.StatusOK, map[string]any{
			"errcode": 88, "sub_code": "40014", "sub_msg": "不合法的access_token",
			"errmsg": "ding talk error[subcode=40014,submsg=不合法的access_token]", "request_id": f.requestID(),
		})
		return
	}
	next(w, r, body)
}

// user finds a user by UserID or by one of its Aliases.
func (f *OpenAPI) user(id string) (FakeUser, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.users[id]; ok {
		return u, true
	}
	for _, u := range f.users {
		if slices.Contains(u.Aliases, id) {
			return u, true
		}
	}
	return FakeUser{}, false
}

func (f *OpenAPI) signOut(w http.ResponseWriter, r *http.Request, body []byte) {
	var in SignOutBody
	if err := openAPIDecodeJSON(r, body, &in); err != nil {
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+err.Error())
		return
	}
	if in.UserID == "" {
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: userId is mandatory")
		return
	}
	u, ok := f.user(in.UserID)
	switch {
	case !ok:
		f.apiError(w, http.StatusBadRequest, "user.not.exist", "用户不存在")
	case !u.Exclusive:
		f.apiError(w, http.StatusBadRequest, "exclusive.account.only", "只能操作归属该组织的专属帐号")
	default:
		f.mu.Lock()
		f.signOuts = append(f.signOuts, in)
		f.notifyLocked()
		f.mu.Unlock()
		openAPIWriteJSON(w, http.StatusOK, map[string]bool{"result": true})
	}
}

// accountUser decodes an orgAccounts request's userId and finds the user,
// answering as signOut does when it is missing, unknown or not an
// Enterprise Account of this org.
func (f *OpenAPI) accountUser(w http.ResponseWriter, userID string, decodeErr error) (FakeUser, bool) {
	switch {
	case decodeErr != nil:
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+decodeErr.Error())
		return FakeUser{}, false
	case userID == "":
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: userId is mandatory")
		return FakeUser{}, false
	}
	u, ok := f.user(userID)
	switch {
	case !ok:
		f.apiError(w, http.StatusBadRequest, "user.not.exist", "用户不存在")
	case !u.Exclusive:
		f.apiError(w, http.StatusBadRequest, "exclusive.account.only", "只能操作归属该组织的专属帐号")
	default:
		return u, true
	}
	return FakeUser{}, false
}

func (f *OpenAPI) disable(w http.ResponseWriter, r *http.Request, body []byte) {
	var in DisableBody
	err := openAPIDecodeJSON(r, body, &in)
	u, ok := f.accountUser(w, in.UserID, err)
	if !ok {
		return
	}
	f.mu.Lock()
	f.disabled[u.UserID] = true
	f.disables = append(f.disables, in)
	f.notifyLocked()
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]bool{"result": true})
}

func (f *OpenAPI) enable(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		UserID string `json:"userId"`
	}
	err := openAPIDecodeJSON(r, body, &in)
	u, ok := f.accountUser(w, in.UserID, err)
	if !ok {
		return
	}
	f.mu.Lock()
	f.disabled[u.UserID] = false
	f.enables = append(f.enables, in.UserID)
	f.notifyLocked()
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]bool{"result": true})
}

func (f *OpenAPI) status(w http.ResponseWriter, r *http.Request, _ []byte) {
	u, ok := f.accountUser(w, r.URL.Query().Get("userId"), nil)
	if !ok {
		return
	}
	f.mu.Lock()
	disabled := f.disabled[u.UserID]
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]bool{"disable": disabled})
}

func openAPIValidMobile(m string) bool {
	return m != "" && strings.Trim(m, "0123456789+-") == ""
}

func (f *OpenAPI) getByMobile(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Mobile    string `json:"mobile"`
		Exclusive bool   `json:"support_exclusive_account_search"`
	}
	if err := openAPIDecodeJSON(r, body, &in); err != nil || in.Mobile == "" {
		f.legacyError(w, 400002, "无效的参数")
		return
	}
	if !openAPIValidMobile(in.Mobile) {
		f.legacyError(w, 40104, "企业中的手机号码无效")
		return
	}
	f.mu.Lock()
	var personal, exclusive []string
	for _, u := range f.users {
		if u.Mobile != in.Mobile {
			continue
		}
		if u.Exclusive {
			exclusive = append(exclusive, u.UserID)
		} else {
			personal = append(personal, u.UserID)
		}
	}
	f.mu.Unlock()
	slices.Sort(personal)
	slices.Sort(exclusive)
	if len(personal)+len(exclusive) == 0 {
		f.legacyError(w, 60121, "找不到该用户")
		return
	}
	result := map[string]any{"userid": slices.Concat(personal, exclusive)[0]}
	if in.Exclusive {
		result["exclusive_account_userid_list"] = exclusive
	}
	f.legacyOK(w, result)
}

func (f *OpenAPI) userGet(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		UserID   string `json:"userid"`
		Language string `json:"language"`
	}
	if err := openAPIDecodeJSON(r, body, &in); err != nil || in.UserID == "" {
		f.legacyError(w, 400002, "无效的参数")
		return
	}
	u, ok := f.user(in.UserID)
	if !ok {
		f.legacyError(w, 60121, "找不到该用户")
		return
	}
	deptIDs := u.DeptIDs
	if deptIDs == nil {
		deptIDs = []int64{1}
	}
	result := map[string]any{
		"userid": u.UserID, "unionid": "union-" + u.UserID, "name": u.Name, "title": u.Title,
		"dept_id_list": deptIDs, "active": !u.Inactive, "admin": false, "boss": false,
		"exclusive_account": u.Exclusive, "real_authed": true,
	}
	if u.Exclusive {
		result["exclusive_account_type"] = "dingtalk"
	}
	f.legacyOK(w, result)
}

// openAPIMsgParam checks a robot message's msgParam: a JSON string holding a JSON
// object of at most 15000 bytes.
func openAPIMsgParam(s string) (json.RawMessage, error) {
	if len(s) > 15000 {
		return nil, fmt.Errorf("msgParam is %d bytes, over 15000", len(s))
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(s), &obj); err != nil {
		return nil, fmt.Errorf("msgParam is not a JSON object: %v", err)
	}
	return json.RawMessage(s), nil
}

func (f *OpenAPI) groupSend(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		RobotCode          string `json:"robotCode"`
		OpenConversationID string `json:"openConversationId"`
		MsgKey             string `json:"msgKey"`
		MsgParam           string `json:"msgParam"`
	}
	if err := openAPIDecodeJSON(r, body, &in); err != nil {
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+err.Error())
		return
	}
	param, err := openAPIMsgParam(in.MsgParam)
	switch {
	case err != nil:
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+err.Error())
		return
	case in.RobotCode != ClientID:
		f.apiError(w, http.StatusBadRequest, "invalid.param", "robotCode 无效 (fake)")
		return
	case in.OpenConversationID == "" || in.MsgKey == "":
		f.apiError(w, http.StatusBadRequest, "invalid.param", "openConversationId and msgKey are mandatory (fake)")
		return
	}
	f.mu.Lock()
	f.groupMsgs = append(f.groupMsgs, GroupMessage{in.RobotCode, in.OpenConversationID, in.MsgKey, param})
	f.notifyLocked()
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]string{"processQueryKey": "fake-pqk-" + openAPIRandomHex(8)})
}

func (f *OpenAPI) batchSend(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		RobotCode string   `json:"robotCode"`
		UserIDs   []string `json:"userIds"`
		MsgKey    string   `json:"msgKey"`
		MsgParam  string   `json:"msgParam"`
	}
	if err := openAPIDecodeJSON(r, body, &in); err != nil {
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+err.Error())
		return
	}
	param, err := openAPIMsgParam(in.MsgParam)
	switch {
	case err != nil:
		f.apiError(w, http.StatusBadRequest, "invalid.param", "无效参数: "+err.Error())
		return
	case in.RobotCode != ClientID:
		f.apiError(w, http.StatusBadRequest, "invalid.param", "robotCode 无效 (fake)")
		return
	case len(in.UserIDs) == 0 || len(in.UserIDs) > 20 || in.MsgKey == "":
		f.apiError(w, http.StatusBadRequest, "invalid.param", "userIds must hold 1 to 20 IDs and msgKey is mandatory (fake)")
		return
	}
	delivered, invalid := []string{}, []string{}
	for _, id := range in.UserIDs {
		if _, ok := f.user(id); ok {
			delivered = append(delivered, id)
		} else {
			invalid = append(invalid, id)
		}
	}
	f.mu.Lock()
	if len(delivered) > 0 {
		f.directMsgs = append(f.directMsgs, DirectMessage{in.RobotCode, delivered, in.MsgKey, param})
		f.notifyLocked()
	}
	f.mu.Unlock()
	openAPIWriteJSON(w, http.StatusOK, map[string]any{
		"processQueryKey": "fake-pqk-" + openAPIRandomHex(8), "invalidStaffIdList": invalid,
		"flowControlledStaffIdList": []string{}, "filteredStaffIdList": []string{},
	})
}

func (f *OpenAPI) sessionWebhook(w http.ResponseWriter, r *http.Request, body []byte) {
	session := r.URL.Query().Get("session")
	var msg struct {
		MsgType string `json:"msgtype"`
	}
	if err := openAPIDecodeJSON(r, body, &msg); err != nil || msg.MsgType == "" {
		openAPIWriteJSON(w, http.StatusOK, map[string]any{"errcode": 400002, "errmsg": "message has no msgtype (fake)"})
		return
	}
	f.mu.Lock()
	msgs, ok := f.sessions[session]
	if ok {
		f.sessions[session] = append(msgs, json.RawMessage(slices.Clone(body)))
		f.notifyLocked()
	}
	f.mu.Unlock()
	if !ok {
		openAPIWriteJSON(w, http.StatusOK, map[string]any{"errcode": 300001, "errmsg": "session is not exist (fake)"})
		return
	}
	openAPIWriteJSON(w, http.StatusOK, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// FastRetry is a dingtalk.RetryPolicy in milliseconds, so that tests of
// retries stay fast.
var FastRetry = dingtalk.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, MaxElapsed: 5 * time.Second, RateLimitWait: time.Millisecond}

// ClientConfig is a dingtalk.Config for a real client aimed at f, with the
// fake's credentials and FastRetry.
func (f *OpenAPI) ClientConfig() dingtalk.Config {
	return dingtalk.Config{APIURL: f.URL(), OAPIURL: f.URL(), ClientID: ClientID, ClientSecret: ClientSecret, Retry: FastRetry}
}
