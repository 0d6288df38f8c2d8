package identity

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxFileBytes bounds what Load reads from each of /etc/passwd and
// /etc/group. A hostile image can ship a huge file; real ones are a few KiB.
const MaxFileBytes = 1 << 20

// GroupParser names one of the two /etc/group parsers that Docker 20.10
// builds link. The passwd parser is the same in all of them.
type GroupParser int

const (
	// GroupParserTrim is libcontainer/user of runc v1.0.3 to v1.1.x: each
	// line is trimmed of white space, lines starting with '#' are skipped
	// and lines may be of any length. Debian's docker.io 20.10.24 links it
	// (verified on this machine's engine) and runc 1.1 uses it in the
	// container.
	GroupParserTrim GroupParser = iota
	// GroupParserRaw is libcontainer/user of runc up to v1.0.2, including
	// v1.0.0-rc92 which moby v20.10.x vendors: lines are taken as they are
	// (a '#' line is an entry, a trailing blank is part of the member list)
	// and a line of 64 KiB or more fails the whole parse.
	GroupParserRaw
	groupParsers
)

// passwdEntry is one parsed /etc/passwd line. Numbers are parsed the way
// libcontainer does: strconv.Atoi with the error ignored, so a field that is
// empty, missing or not a number is 0 and a huge one is clamped.
type passwdEntry struct {
	name string
	uid  int
	gid  int
	home string
	line int
}

// groupEntry is one parsed /etc/group line.
type groupEntry struct {
	name    string
	gid     int
	members []string
	line    int
}

// passwdFile is an image's /etc/passwd as the engine sees it. err is the
// parse error libcontainer would report on every lookup in this file.
type passwdFile struct {
	present bool
	entries []passwdEntry
	err     error
}

// groupFile is an image's /etc/group as one parser sees it. byName and
// byGID index entries in file order, so that looking up thousands of
// supplementary gids (a hostile file can list the user in every line)
// stays linear.
type groupFile struct {
	present bool
	entries []groupEntry
	err     error
	byName  map[string][]int
	byGID   map[int][]int
}

func (f *groupFile) index() {
	f.byName = make(map[string][]int)
	f.byGID = make(map[int][]int)
	for i, e := range f.entries {
		f.byName[e.name] = append(f.byName[e.name], i)
		f.byGID[e.gid] = append(f.byGID[e.gid], i)
	}
}

// Files holds one image's /etc/passwd and /etc/group, parsed once for every
// engine build, so a caller can cache it by image ID and resolve many users.
// A nil *Files stands for an image with neither file.
type Files struct {
	passwd passwdFile
	group  [groupParsers]groupFile
}

// ErrFileTooLarge is returned by Load when passwd or group exceeds
// MaxFileBytes. The engine would read it; hardrun refuses to.
var ErrFileTooLarge = errors.New("file exceeds the size limit")

// Load reads and parses passwd and group. A nil reader means the file is
// absent from the image, which the engine treats differently from an empty
// file (an absent passwd makes every name unknown without an error about
// the file itself). Read errors are returned: the caller must refuse.
func Load(passwd, group io.Reader) (*Files, error) {
	pw, pwOK, err := readBounded(passwd, "/etc/passwd")
	if err != nil {
		return nil, err
	}
	gr, grOK, err := readBounded(group, "/etc/group")
	if err != nil {
		return nil, err
	}
	f := &Files{passwd: parsePasswd(pw, pwOK)}
	for p := GroupParser(0); p < groupParsers; p++ {
		f.group[p] = parseGroup(p, gr, grOK)
		f.group[p].index()
	}
	return f, nil
}

// readBounded reads at most MaxFileBytes from r; present is false for nil.
func readBounded(r io.Reader, name string) (data string, present bool, err error) {
	if r == nil {
		return "", false, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileBytes {
		return "", false, fmt.Errorf("read %s: %w (%d bytes)", name, ErrFileTooLarge, MaxFileBytes)
	}
	return string(b), true, nil
}

// parsePasswd splits lines with a default bufio.Scanner, as every
// libcontainer version does: a line of 64 KiB or more is
// bufio.ErrTooLong, which then fails every lookup. Lines are trimmed and
// blank ones skipped; '#' lines are NOT skipped (they are entries whose
// name starts with '#').
func parsePasswd(data string, present bool) passwdFile {
	f := passwdFile{present: present}
	s := bufio.NewScanner(strings.NewReader(data))
	for n := 1; s.Scan(); n++ {
		line := bytes.TrimSpace(s.Bytes())
		if len(line) == 0 {
			continue
		}
		f.entries = append(f.entries, passwdLine(string(line), n))
	}
	f.err = s.Err()
	return f
}

// passwdLine parses name:password:uid:gid:gecos:home:shell; missing fields
// stay zero, which makes a short line such as "app" uid 0 gid 0.
func passwdLine(line string, n int) passwdEntry {
	fields := strings.Split(line, ":")
	e := passwdEntry{name: fields[0], line: n}
	e.uid = looseAtoi(field(fields, 2))
	e.gid = looseAtoi(field(fields, 3))
	e.home = field(fields, 5)
	return e
}

// parseGroup parses group data the way parser p does.
func parseGroup(p GroupParser, data string, present bool) groupFile {
	if p == GroupParserRaw {
		return parseGroupRaw(data, present)
	}
	return parseGroupTrim(data, present)
}

// parseGroupTrim: lines of any length, trimmed, blank and '#' lines skipped.
// Splitting on '\n' and trimming equals bufio.Reader.ReadLine plus
// bytes.TrimSpace (strings.TrimSpace trims the same runes), since the trim
// also removes the '\r' of "\r\n".
func parseGroupTrim(data string, present bool) groupFile {
	f := groupFile{present: present}
	n := 0
	for len(data) > 0 {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		n++
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f.entries = append(f.entries, groupLine(line, n))
	}
	return f
}

// parseGroupRaw: a default bufio.Scanner (64 KiB line limit), lines not
// trimmed, only empty lines skipped.
func parseGroupRaw(data string, present bool) groupFile {
	f := groupFile{present: present}
	s := bufio.NewScanner(strings.NewReader(data))
	for n := 1; s.Scan(); n++ {
		if line := s.Text(); line != "" {
			f.entries = append(f.entries, groupLine(line, n))
		}
	}
	f.err = s.Err()
	return f
}

// groupLine parses name:password:gid:member,member. An empty member field
// is no members; members are compared exactly, blanks included.
func groupLine(line string, n int) groupEntry {
	fields := strings.Split(line, ":")
	e := groupEntry{name: fields[0], line: n}
	e.gid = looseAtoi(field(fields, 2))
	if m := field(fields, 3); m != "" {
		e.members = strings.Split(m, ",")
	}
	return e
}

// field returns fields[i] or "" when the line is too short.
func field(fields []string, i int) string {
	if i < len(fields) {
		return fields[i]
	}
	return ""
}

// looseAtoi is libcontainer's reading of a number in a file: strconv.Atoi
// with the error dropped. "abc", "" and " 5" are 0 (root!), "+5" is 5,
// and an out-of-range value is clamped to the int64 limit.
func looseAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
