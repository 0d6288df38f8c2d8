package identity

// Plan says, from the user spec alone, which ids no image file can change
// and which files must be read, so a caller can refuse early or skip a
// read only when that is truly safe.
type Plan struct {
	// UIDFixed: the uid is UID whatever the image holds (or the engine
	// refuses to start). True for a plain decimal uid in 0..2^31-1 in any
	// spelling strconv.Atoi takes ("+0", "-0", "000" are 0) and for an
	// empty user part (":1000" is uid 0).
	UID      int
	UIDFixed bool
	// GIDFixed: the gid is GID whatever the image holds, for a decimal
	// group part in range.
	GID      int
	GIDFixed bool
	// NeedPasswd: /etc/passwd can change an id. It cannot when the uid is
	// fixed and the group part is present: the passwd entry of a numeric
	// uid then only gives HOME, since an explicit group discards its gid
	// and its supplementary groups.
	NeedPasswd bool
	// NeedGroup is always true on Docker 20.10: dockerd always puts the
	// gid into AdditionalGids, and runc looks each of those up again by
	// group NAME, so "--user 1000:1000" gets supplementary group 0 from a
	// first /etc/group line "1000:x:0:" (verified on the engine).
	NeedGroup bool
}

// Analyze plans for user as Resolve takes it. --group-add does not change
// the plan: /etc/group is needed anyway, and names in it (even "0" or
// "+0") never need /etc/passwd.
func Analyze(user string) Plan {
	sp := parseSpec(user)
	p := Plan{NeedGroup: true}
	switch {
	case sp.user == "":
		// dockerd's default uid is 0 and the passwd entry it then looks
		// for has uid 0 by construction.
		p.UIDFixed = true
	case sp.uidNum && sp.uid >= 0 && sp.uid <= maxID:
		p.UID, p.UIDFixed = sp.uid, true
	}
	if sp.gidNum && sp.gid >= 0 && sp.gid <= maxID {
		p.GID, p.GIDFixed = sp.gid, true
	}
	p.NeedPasswd = !(p.UIDFixed && sp.group != "")
	return p
}
