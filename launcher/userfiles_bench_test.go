package launcher

import (
	"strings"
	"testing"

	"github.com/hardrun/hardrun/policy"
)

// BenchmarkIdentityCacheHit is what a repeated launch of an image pays to
// judge its identity: read the cached user files, resolve the user.
func BenchmarkIdentityCacheHit(b *testing.B) {
	dir := b.TempDir()
	c := NewUserFilesCache(func(k string) string {
		if k == "XDG_CACHE_HOME" {
			return dir
		}
		return ""
	})
	var passwd, group strings.Builder
	passwd.WriteString("root:x:0:0:root:/root:/bin/sh\n")
	group.WriteString("root:x:0:\n")
	for i := range 30 { // a Debian base image's size
		name := "svc" + strings.Repeat("x", i%5) + string(rune('a'+i%26))
		passwd.WriteString(name + ":x:" + itoa(100+i) + ":" + itoa(100+i) + "::/nonexistent:/usr/sbin/nologin\n")
		group.WriteString(name + ":x:" + itoa(100+i) + ":\n")
	}
	c.Store("sha256:img", policy.UserFiles{Passwd: []byte(passwd.String()), Group: []byte(group.String()), HavePasswd: true, HaveGroup: true})
	b.ReportAllocs()
	for b.Loop() {
		f := c.Load("sha256:img")
		if f == nil {
			b.Fatal("cache miss")
		}
		if _, err := policy.ResolveIdentity("10001:10001", nil, *f); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string {
	return strings.TrimLeft(strings.Repeat("0", 0)+string(rune('0'+n/100%10))+string(rune('0'+n/10%10))+string(rune('0'+n%10)), "0")
}
