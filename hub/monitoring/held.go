package monitoring

// Holds says whether the hub holds a return of an organisation for a theme
// and period, so that seeding a demo partnership can carry on where it
// stopped rather than begin again.
func (s *Service) Holds(orgID, theme string, period Period) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.currentLocked(orgID, theme, period) != nil
}
