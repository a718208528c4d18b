package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Report is the outcome of Verify.
type Report struct {
	OK             bool
	Seq            int64  // the first broken entry; 0 when OK
	Reason         string // what is wrong with it, in words; empty when OK
	Entries        int    // how many entries were checked
	LastCheckpoint int64  // the Seq of the last checkpoint checked; 0 when there is none
}

// String says the outcome in a sentence.
func (r Report) String() string {
	if !r.OK {
		return fmt.Sprintf("The record is broken at entry %d: %s", r.Seq, r.Reason)
	}
	return fmt.Sprintf("The record is intact: %d entries, last checkpoint at %d", r.Entries, r.LastCheckpoint)
}

// Verify checks a whole record: entries as read, from entry 1, and the
// hub's checkpoints, whose signatures v checks against hubKeys. It
// recomputes every entry's hash, checks that each entry holds the hash of
// the one before and is not dated before it, that no entry is missing,
// repeated or out of order, and that every checkpoint is signed by one of
// hubKeys and matches the entry at its Seq. It reports the first broken
// entry, or OK.
//
// The last entry must be signed by a checkpoint too: the hub signs one over
// the last entry of every export. Without it, an export cut short after any
// entry, or rewritten after its last checkpoint by someone who recomputed
// every hash, or stripped of its checkpoints and re-hashed whole, could not
// be told from the record itself.
func Verify(entries []Entry, checkpoints []Checkpoint, hubKeys []string, v Verifier) Report {
	rep := Report{Entries: len(entries)}
	if len(entries) == 0 {
		rep.Seq, rep.Reason = 1, "the export holds no entry: it was cut short after its first line"
		return rep
	}
	seq, reason := checkChain(entries)
	cseq, creason, last := checkCheckpoints(entries, checkpoints, hubKeys, v)
	if creason != "" && (reason == "" || cseq < seq) {
		seq, reason = cseq, creason
	}
	if reason == "" {
		seq, reason = checkCovered(entries[len(entries)-1].Seq, last)
	}
	if reason != "" {
		rep.Seq, rep.Reason = seq, reason
		return rep
	}
	rep.OK, rep.LastCheckpoint = true, last
	return rep
}

// checkCovered says whether the hub's last checkpoint (0: none) signs the
// last entry, and when it does not, the first entry it leaves unproved.
func checkCovered(lastSeq, lastCheckpoint int64) (int64, string) {
	switch {
	case lastCheckpoint == lastSeq:
		return 0, ""
	case lastCheckpoint == 0:
		return 1, fmt.Sprintf("no checkpoint signed by the hub covers the record, which ends at entry %d: "+
			"an export ends with the hub's signature over its last entry, so this one was cut short, "+
			"or its checkpoints were removed, perhaps to re-hash the entries", lastSeq)
	default:
		return lastCheckpoint + 1, fmt.Sprintf("entries %d to %d are not covered by a checkpoint signed by the hub: "+
			"an export ends with the hub's signature over its last entry, so this one was cut short after entry %d, "+
			"or the entries after entry %d were rewritten and re-hashed", lastCheckpoint+1, lastSeq, lastSeq, lastCheckpoint)
	}
}

// checkChain returns the first broken entry of entries and why, or "".
func checkChain(entries []Entry) (int64, string) { return checkChainFrom(entries, false) }

// checkChainFrom is checkChain where, when proved is true, the first entry
// was proved before and the rest must follow it.
func checkChainFrom(entries []Entry, proved bool) (int64, string) {
	seen := make(map[int64]bool, len(entries))
	var prev *Entry
	if proved && len(entries) > 0 {
		prev = &entries[0]
		seen[prev.Seq] = true
		entries = entries[1:]
	}
	for i := range entries {
		e := &entries[i]
		if e.ComputeHash() != e.Hash {
			return e.Seq, fmt.Sprintf("entry %d was changed: its hash does not match its content", e.Seq)
		}
		want := int64(1)
		if prev != nil {
			want = prev.Seq + 1
		}
		switch {
		case e.Seq < want && seen[e.Seq]:
			return e.Seq, fmt.Sprintf("entry %d appears twice", e.Seq)
		case e.Seq < want:
			return e.Seq, fmt.Sprintf("entry %d is out of order: it comes after entry %d", e.Seq, prev.Seq)
		case e.Seq > want:
			later := slices.ContainsFunc(entries[i+1:], func(x Entry) bool { return x.Seq == want })
			if later {
				return want, fmt.Sprintf("entry %d is out of order: it comes after entry %d", want, e.Seq)
			}
			return want, fmt.Sprintf("entry %d is missing", want)
		}
		seen[e.Seq] = true
		switch {
		case prev == nil && e.Prev != "":
			return e.Seq, fmt.Sprintf("entry %d does not start the record: it names an entry before it", e.Seq)
		case prev != nil && e.Prev != prev.Hash:
			return e.Seq, fmt.Sprintf("entry %d does not follow entry %d: it does not hold that entry's hash, so one of them was replaced", e.Seq, prev.Seq)
		case prev != nil && e.At.Before(prev.At):
			return e.Seq, fmt.Sprintf("entry %d is dated before entry %d", e.Seq, prev.Seq)
		}
		prev = e
	}
	return 0, ""
}

// checkCheckpoints returns the first broken entry that the checkpoints show
// and why, or "", and the Seq of the last checkpoint.
func checkCheckpoints(entries []Entry, checkpoints []Checkpoint, hubKeys []string, v Verifier) (int64, string, int64) {
	bySeq := make(map[int64]Entry, len(entries))
	var maxSeq int64
	for _, e := range entries {
		if _, ok := bySeq[e.Seq]; !ok {
			bySeq[e.Seq] = e
		}
		maxSeq = max(maxSeq, e.Seq)
	}
	cs := slices.Clone(checkpoints)
	slices.SortStableFunc(cs, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	var last int64
	for _, c := range cs {
		if len(hubKeys) == 0 || v == nil {
			return c.Seq, fmt.Sprintf("checkpoint at %d is not signed by the hub's key: no hub key was given to check it", c.Seq), last
		}
		fp, err := v.Verify(CheckpointData(c.Seq, c.Hash), c.Signature, hubKeys)
		if err != nil {
			return c.Seq, fmt.Sprintf("checkpoint at %d is not signed by the hub's key", c.Seq), last
		}
		if c.Key != "" && !strings.EqualFold(c.Key, fp) {
			return c.Seq, fmt.Sprintf("checkpoint at %d names key %s but was signed by key %s", c.Seq, c.Key, fp), last
		}
		e, ok := bySeq[c.Seq]
		switch {
		case !ok && c.Seq > maxSeq:
			return maxSeq + 1, fmt.Sprintf("entry %d is missing: the hub's checkpoint at %d shows the record went on to entry %d", maxSeq+1, c.Seq, c.Seq), last
		case !ok:
			return c.Seq, fmt.Sprintf("entry %d is missing", c.Seq), last
		case e.Hash != c.Hash:
			return c.Seq, fmt.Sprintf("entry %d does not match the hub's checkpoint at %d: the record was rewritten between entries %d and %d after the hub signed it", c.Seq, c.Seq, last+1, c.Seq), last
		}
		last = c.Seq
	}
	return 0, "", last
}
