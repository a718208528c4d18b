package monitoring

import "github.com/partnership/equalityhub/hub"

// ReturnVersions are the versions of one organisation's return for a theme
// and period, seen from one of them.
type ReturnVersions struct {
	All     []Return // every version, newest first
	Current Return   // the version in force: the latest
	Next    Return   // the version that replaced the one seen from; zero when that one is current
}

// ReturnVersions returns the versions of r's organisation, theme and period,
// for someone who may read that organisation's returns.
func (s *Service) ReturnVersions(actor hub.Principal, r Return) (ReturnVersions, error) {
	if err := hub.Authorize(s.auth, actor, PermReturnsRead, r.OrgID); err != nil {
		return ReturnVersions{}, err
	}
	var v ReturnVersions
	for _, x := range s.returnsOf(ReturnFilter{OrgID: r.OrgID, Theme: r.Theme}) {
		if x.Period != r.Period {
			continue
		}
		v.All = append(v.All, x)
		if x.Version > v.Current.Version {
			v.Current = x
		}
		if x.Version == r.Version+1 {
			v.Next = x
		}
	}
	return v, nil
}
