package devprovider

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	// loginRequestField names the auth request ID in the sign-in page's query
	// and form.
	loginRequestField = "authRequestID"
	// loginSubjectField names the chosen person's subject in the sign-in form.
	loginSubjectField = "subject"
	// maxLoginFormBytes bounds the size of a sign-in form post.
	maxLoginFormBytes = 16 << 10
)

// loginPageTemplate is the sign-in page: one form per demo person, each with
// a single submit button. The form action is relative, so it resolves to the
// sign-in URL under whatever prefix the page was reached through.
var loginPageTemplate = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in: {{.Title}}</title>
{{- with .Stylesheet}}
<link rel="stylesheet" href="{{.}}">
{{- end}}
</head>
<body class="govuk-template__body">
<header class="govuk-generic-header">
<div class="govuk-generic-header__container govuk-width-container">
<p class="govuk-generic-header__logo govuk-!-margin-0">Demo identity provider</p>
</div>
</header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">{{.Title}}</h1>
<div class="govuk-inset-text">This is a development sign-in service for <strong>{{.ClientID}}</strong>. No password is needed: choose the demo person to sign in as.</div>
<ul class="govuk-list">
{{- range .People}}
<li class="govuk-!-margin-bottom-4">
<form method="post" action="login">
<input type="hidden" name="` + loginRequestField + `" value="{{$.RequestID}}">
<input type="hidden" name="` + loginSubjectField + `" value="{{.Subject}}">
<button type="submit" class="govuk-button govuk-!-margin-bottom-1"{{if .Description}} aria-describedby="{{.DescriptionID}}"{{end}}>Sign in as {{.Name}}</button>
{{- if .Description}}
<p class="govuk-body-s govuk-!-margin-0" id="{{.DescriptionID}}">{{.Description}}</p>
{{- end}}
</form>
</li>
{{- end}}
</ul>
</main>
</div>
</body>
</html>
`))

// loginPage is the data of loginPageTemplate.
type loginPage struct {
	Title      string
	Stylesheet string
	ClientID   string
	RequestID  string
	People     []loginPerson
}

// loginPerson is one demo person on the sign-in page.
type loginPerson struct {
	Person
	DescriptionID string
}

// serveLogin serves the sign-in page (GET) and signs the chosen person in
// (POST). Unknown or expired auth requests and unknown people get a 400 with
// a plain-text message.
func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		p.showLogin(w, r)
	case http.MethodPost:
		p.submitLogin(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// showLogin renders the sign-in page for the auth request named in the query.
func (p *Provider) showLogin(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get(loginRequestField)
	req, err := p.storage.pendingAuthRequest(id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	page := loginPage{
		Title:      p.title,
		Stylesheet: p.style,
		ClientID:   req.clientID,
		RequestID:  req.id,
		People:     make([]loginPerson, 0, len(p.people)),
	}
	for i, person := range p.people {
		page.People = append(page.People, loginPerson{
			Person:        person,
			DescriptionID: "person-" + strconv.Itoa(i+1) + "-description",
		})
	}
	var body bytes.Buffer
	if err := loginPageTemplate.Execute(&body, page); err != nil {
		p.logger.Error("render development sign-in page", "error", err)
		http.Error(w, "the sign-in page could not be shown", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = body.WriteTo(w)
	}
}

// submitLogin signs the chosen person in for the auth request and hands back
// to the op package's authorize callback, which redirects to the client with
// the code and state.
func (p *Provider) submitLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the sign-in form could not be read", http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get(loginRequestField)
	subject := r.PostForm.Get(loginSubjectField)
	if err := p.storage.completeLogin(id, subject); err != nil {
		if errors.Is(err, errUnknownPerson) {
			p.logger.Warn("development sign-in refused: unknown person", "subject", subject)
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.logger.Info("development sign-in", "subject", subject)
	ctx := op.ContextWithIssuer(r.Context(), p.issuer)
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(ctx, id), http.StatusSeeOther)
}
