package web

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/adapters/web/assets"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/publication"
	"github.com/partnership/equalityhub/hub/sharing"
)

// permOperations covers the health and metrics endpoints that load balancers
// and monitoring read; restrict them at the proxy if they must not be public.
var permOperations = hub.Permission{Object: "operations", Action: "read"}

// permStrategyManage lets the forum and the board change the strategy and make its reports.
var permStrategyManage = hub.Permission{Object: "strategy", Action: "manage"}

// The audit record's permissions: reading entries about one's own
// organisation's data (or, partnership-wide, all), and exporting it whole.
var (
	permAuditRead   = hub.Permission{Object: "audit", Action: "read"}
	permAuditExport = hub.Permission{Object: "audit", Action: "export"}
)

// route is one line of the route table.
type route struct {
	method string
	path   string
	perm   hub.Permission
	dom    domain
	h      echo.HandlerFunc
}

// table is every route of the hub with the permission it needs and whose
// thing it touches. A route not listed here does not exist.
func (s *server) table() []route {
	return []route{
		// Public pages and sign-in.
		{http.MethodGet, "/", hub.PermPublicRead, partnership, s.home},
		{http.MethodGet, "/sign-in", hub.PermPublicRead, partnership, s.signIn},
		{http.MethodGet, "/login/:org", hub.PermPublicRead, partnership, s.login},
		{http.MethodGet, "/login/:org/:idp", hub.PermPublicRead, partnership, s.login},
		{http.MethodGet, "/auth/:org/:idp/callback", hub.PermPublicRead, partnership, s.callback},
		{http.MethodPost, "/sign-out", hub.PermProfile, own, s.signOut},
		{http.MethodGet, "/organisations", hub.PermDirectoryRead, partnership, s.organisations},
		{http.MethodGet, "/published", hub.PermPublicRead, partnership, s.published},
		{http.MethodGet, "/published/annual-reports/:id", hub.PermPublicRead, partnership, s.publishedAnnualReport},
		{http.MethodGet, "/published/:id", hub.PermPublicRead, partnership, s.publishedTable},
		{http.MethodGet, "/published/:id/:file", hub.PermPublicRead, partnership, s.publishedFile},
		{http.MethodPost, "/published/:id/withdraw", publication.PermPublish, own, s.withdrawTable},
		{http.MethodGet, "/data/publish", publication.PermPublish, own, s.publishPage},
		{http.MethodPost, "/data/publish", publication.PermPublish, own, s.publish},
		{http.MethodGet, "/accessibility", hub.PermPublicRead, partnership, s.accessibility},
		{http.MethodGet, "/hubctl", hub.PermPublicRead, partnership, s.hubctlDownloads},
		{http.MethodGet, "/hubctl/:file", hub.PermPublicRead, partnership, s.hubctlDownload},

		// A person's own profile and API tokens.
		{http.MethodGet, "/profile", hub.PermProfile, own, s.profile},
		{http.MethodPost, "/profile/tokens", hub.PermTokensManage, own, s.createToken},
		{http.MethodPost, "/profile/tokens/:id/revoke", hub.PermTokensManage, own, s.revokeToken},

		// Organisations, their identity providers, members and roles.
		{http.MethodGet, "/organisations/new", hub.PermOrgManage, partnership, s.newOrganisation},
		{http.MethodPost, "/organisations", hub.PermOrgManage, partnership, s.createOrganisation},
		{http.MethodGet, "/organisations/:org", hub.PermOrgRead, orgParam, s.organisation},
		{http.MethodGet, "/organisations/:org/edit", hub.PermOrgManage, orgParam, s.editOrganisation},
		{http.MethodPost, "/organisations/:org", hub.PermOrgManage, orgParam, s.updateOrganisation},
		{http.MethodGet, "/organisations/:org/members/:person", hub.PermMembersManage, orgParam, s.member},
		{http.MethodPost, "/organisations/:org/members/:person", hub.PermMembersManage, orgParam, s.updateMember},

		// The work areas. Data: the organisation's monitoring returns, keys and mapping.
		{http.MethodGet, "/data", hub.PermDataRead, own, s.data},
		{http.MethodGet, "/data/upload", monitoring.PermReturnsUpload, own, s.upload},
		{http.MethodPost, "/data/upload", monitoring.PermReturnsUpload, own, s.uploadReturn},
		{http.MethodPost, "/data/draft", monitoring.PermReturnsUpload, own, s.draftFile},
		{http.MethodGet, "/data/returns/:id", monitoring.PermReturnsRead, own, s.returnDetail},
		{http.MethodGet, "/data/returns/:id/:file", monitoring.PermReturnsRead, own, s.returnFile},
		{http.MethodGet, "/data/keys", monitoring.PermKeysManage, own, s.keys},
		{http.MethodPost, "/data/keys", monitoring.PermKeysManage, own, s.registerKey},
		{http.MethodPost, "/data/keys/:fingerprint/revoke", monitoring.PermKeysManage, own, s.revokeKey},
		{http.MethodGet, "/standard", monitoring.PermStandardRead, partnership, s.standardPage},
		{http.MethodPost, "/standard", monitoring.PermStandardEdit, partnership, s.publishStandard},
		{http.MethodPost, "/standard/:version/approve", monitoring.PermStandardEdit, partnership, s.approveStandard},
		{http.MethodPost, "/standard/:version/withdraw", monitoring.PermStandardEdit, partnership, s.withdrawStandard},
		{http.MethodGet, "/data/mapping", monitoring.PermReturnsRead, own, s.mappingPage},
		{http.MethodPost, "/data/mapping", monitoring.PermMappingManage, own, s.saveMappingCodes},
		// Which protocols a reader opens, hub/sharing decides: all of them, or those of their organisation or body.
		{http.MethodGet, "/protocols", hub.PermProtocolsRead, own, s.protocols},
		{http.MethodGet, "/protocols/new", sharing.PermManage, partnership, s.newProtocol},
		{http.MethodPost, "/protocols", sharing.PermManage, partnership, s.createProtocol},
		{http.MethodGet, "/protocols/:id", hub.PermProtocolsRead, own, s.protocol},
		{http.MethodPost, "/protocols/:id/submit", sharing.PermManage, partnership, s.submitProtocol},
		{http.MethodPost, "/protocols/:id/sign", sharing.PermSign, own, s.signProtocol},
		{http.MethodPost, "/protocols/:id/suspend", sharing.PermSign, own, s.suspendProtocol},
		{http.MethodPost, "/protocols/:id/resume", sharing.PermSign, own, s.resumeProtocol},
		{http.MethodPost, "/protocols/:id/renew", sharing.PermManage, partnership, s.renewProtocol},
		{http.MethodGet, "/data/picture", picture.PermRead, own, s.picture},
		{http.MethodGet, "/impact-assessments", hub.PermEIARead, partnership, s.eias},
		{http.MethodGet, "/impact-assessments/new", eia.PermWrite, own, s.newEIA},
		{http.MethodPost, "/impact-assessments", eia.PermWrite, own, s.createEIA},
		// Anyone reads a published assessment; hub/eia decides who reads the others.
		{http.MethodGet, "/impact-assessments/:id", eia.PermPublishedRead, partnership, s.eiaDetail},
		{http.MethodGet, "/impact-assessments/:id/details", eia.PermWrite, own, s.eiaDetailsPage},
		{http.MethodPost, "/impact-assessments/:id/details", eia.PermWrite, own, s.eiaDetails},
		{http.MethodPost, "/impact-assessments/:id/screening", eia.PermWrite, own, s.eiaScreening},
		{http.MethodPost, "/impact-assessments/:id/assessment", eia.PermWrite, own, s.eiaAssessment},
		{http.MethodPost, "/impact-assessments/:id/actions", eia.PermWrite, own, s.eiaAction},
		{http.MethodPost, "/impact-assessments/:id/scrutiny", eia.PermWrite, own, s.eiaOpenScrutiny},
		{http.MethodPost, "/impact-assessments/:id/comments", eia.PermScrutinise, partnership, s.eiaComment},
		{http.MethodPost, "/impact-assessments/:id/comments/:comment/response", eia.PermWrite, own, s.eiaRespond},
		{http.MethodPost, "/impact-assessments/:id/sign", eia.PermSign, own, s.eiaSign},
		{http.MethodPost, "/impact-assessments/:id/publish", eia.PermWrite, own, s.eiaPublish},
		{http.MethodPost, "/impact-assessments/:id/new-version", eia.PermWrite, own, s.eiaNewVersion},
		{http.MethodGet, "/strategy", hub.PermStrategyRead, partnership, s.strategyPage},
		{http.MethodPost, "/strategy/reports", permStrategyManage, partnership, s.makeReport},
		{http.MethodGet, "/strategy/objectives/new", permStrategyManage, partnership, s.newObjective},
		{http.MethodPost, "/strategy/objectives", permStrategyManage, partnership, s.createObjective},
		{http.MethodGet, "/strategy/objectives/:id", hub.PermStrategyRead, partnership, s.objectivePage},
		{http.MethodGet, "/strategy/objectives/:id/versions/:version", hub.PermStrategyRead, partnership, s.objectivePage},
		{http.MethodGet, "/strategy/objectives/:id/edit", permStrategyManage, partnership, s.editObjective},
		{http.MethodPost, "/strategy/objectives/:id", permStrategyManage, partnership, s.updateObjective},
		{http.MethodPost, "/strategy/objectives/:id/retire", permStrategyManage, partnership, s.retireObjective},
		// hub/strategy decides who marks an action done: its owner's people, the forum and the board.
		{http.MethodPost, "/strategy/objectives/:id/actions/:action/done", hub.PermStrategyRead, partnership, s.markDone},
		{http.MethodGet, "/strategy/duty", hub.PermStrategyRead, partnership, s.dutyPage},
		{http.MethodPost, "/strategy/duty/publications", duty.PermRecord, own, s.recordDutyPublication},
		{http.MethodGet, "/strategy/reports/:quarter", hub.PermStrategyRead, partnership, s.reportDetail},
		{http.MethodGet, "/strategy/reports/:quarter/versions/:version", hub.PermStrategyRead, partnership, s.reportDetail},
		{http.MethodGet, "/advisory", eia.PermScrutinise, partnership, s.advisoryView},
		{http.MethodGet, "/strategy/annual-report", picture.PermRead, own, s.annualReportPage},
		{http.MethodPost, "/strategy/annual-report/publish", permStrategyManage, partnership, s.publishAnnualReport},
		{http.MethodGet, "/framework", hub.PermFrameworkRead, partnership, s.frameworkPage},
		{http.MethodPost, "/framework", framework.PermAssess, own, s.recordLevel},
		{http.MethodPost, "/framework/challenges", framework.PermChallenge, partnership, s.challengeLevel},
		{http.MethodPost, "/framework/answers", framework.PermAnswer, own, s.answerChallenge},

		// The JSON API, described by openapi.json.
		{http.MethodGet, "/api/v1/openapi.json", hub.PermPublicRead, partnership, s.openAPI},
		{http.MethodGet, "/api/v1/me", hub.PermProfile, own, s.apiMe},
		{http.MethodGet, "/api/v1/organisations", hub.PermDirectoryRead, partnership, s.apiOrganisations},
		{http.MethodGet, "/api/v1/organisations/:org/members", hub.PermOrgRead, orgParam, s.apiMembers},
		{http.MethodPut, "/api/v1/organisations/:org/members/:person/roles", hub.PermMembersManage, orgParam, s.apiSetRoles},
		{http.MethodGet, "/api/v1/standard", monitoring.PermStandardRead, partnership, s.apiStandard},
		{http.MethodGet, "/api/v1/themes", monitoring.PermStandardRead, partnership, s.apiThemes},
		{http.MethodPost, "/api/v1/standards", monitoring.PermStandardEdit, partnership, s.apiPublishStandard},
		{http.MethodGet, "/api/v1/standards", monitoring.PermStandardRead, partnership, s.apiStandards},
		{http.MethodPost, "/api/v1/standards/:version/approve", monitoring.PermStandardEdit, partnership, s.apiApproveStandard},
		{http.MethodPost, "/api/v1/standards/:version/withdraw", monitoring.PermStandardEdit, partnership, s.apiWithdrawStandard},
		{http.MethodPost, "/api/v1/themes", monitoring.PermStandardEdit, partnership, s.apiAddTheme},
		{http.MethodGet, "/api/v1/mapping", monitoring.PermReturnsRead, own, s.apiMapping},
		{http.MethodPut, "/api/v1/mapping", monitoring.PermMappingManage, own, s.apiSaveMapping},
		{http.MethodGet, "/api/v1/keys", monitoring.PermKeysManage, own, s.apiKeys},
		{http.MethodPost, "/api/v1/keys", monitoring.PermKeysManage, own, s.apiRegisterKey},
		{http.MethodPost, "/api/v1/keys/:fingerprint/revoke", monitoring.PermKeysManage, own, s.apiRevokeKey},
		{http.MethodGet, "/api/v1/returns", monitoring.PermReturnsRead, own, s.apiReturns},
		{http.MethodPost, "/api/v1/returns", monitoring.PermReturnsUpload, own, s.apiUpload},
		{http.MethodGet, "/api/v1/returns/:id", monitoring.PermReturnsRead, own, s.apiReturn},
		{http.MethodGet, "/api/v1/picture", picture.PermRead, own, s.apiPicture},
		{http.MethodGet, "/api/v1/protocols", hub.PermProtocolsRead, partnership, s.apiProtocols},

		// The audit record.
		{http.MethodGet, "/audit", permAuditRead, own, s.auditPage},
		{http.MethodGet, "/api/v1/audit/export", permAuditExport, partnership, s.auditExport},
		{http.MethodGet, "/hub-key.asc", hub.PermPublicRead, partnership, s.hubKey},

		// Operations.
		{http.MethodGet, "/healthz", permOperations, partnership, s.healthz},
		{http.MethodGet, "/readyz", permOperations, partnership, s.readyz},
		{http.MethodGet, "/metrics", permOperations, partnership, s.metricsHandler()},
	}
}

func (s *server) routes(e *echo.Echo) {
	for _, r := range s.table() {
		e.Add(r.method, r.path, s.guard(r.perm, r.dom, r.h))
	}
	// Static files and the demo identity providers are public too.
	e.GET("/assets/*", s.guard(hub.PermPublicRead, partnership, echo.WrapHandler(http.StripPrefix("/assets/", filesOnly(assets.FS, cacheAssets(http.FileServerFS(assets.FS)))))))
	if s.DemoIdP != nil {
		e.Any("/demo-idp/*", s.guard(hub.PermPublicRead, partnership, echo.WrapHandler(s.DemoIdP)))
	}
}

// filesOnly answers 404 for a folder, so that the static files' folders are
// not listed.
func filesOnly(fsys fs.FS, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if st, err := fs.Stat(fsys, name); err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func cacheAssets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
