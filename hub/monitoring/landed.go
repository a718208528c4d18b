package monitoring

import (
	"context"
	"fmt"
	"strings"
)

// MappingObject names a version of an organisation's mapping on the record.
func MappingObject(orgID string, version int) string {
	return fmt.Sprintf("mappings/%s/%d", orgID, version)
}

// Landed says whether the return or mapping an entry of the record names
// ("returns/ID", "mappings/ORG/VERSION") is held: returns and mappings are
// only ever added, so one that is held was stored by that entry's change.
func (s *Service) Landed(_ context.Context, object string, _ int64) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id, ok := strings.CutPrefix(object, "returns/"); ok {
		_, held := s.returns[id]
		return held, nil
	}
	if rest, ok := strings.CutPrefix(object, "mappings/"); ok {
		for _, m := range s.mappings[rest[:max(strings.LastIndexByte(rest, '/'), 0)]] {
			if MappingObject(m.OrgID, m.Version) == object {
				return true, nil
			}
		}
	}
	return false, nil
}
