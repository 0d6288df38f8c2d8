package probe

import (
	"path/filepath"
	"testing"
)

func TestReadCgroup(t *testing.T) {
	tests := []struct {
		name       string
		dir        string
		procCgroup string
		want       Cgroup
	}{
		{
			name: "v2 private namespace", dir: "v2", procCgroup: "0::/\n",
			want: Cgroup{Version: 2, Path: "/", MemoryMax: "536870912", PidsMax: "256", CPUMax: "100000 100000"},
		},
		{
			name: "v2 unlimited", dir: "v2-unlimited", procCgroup: "0::/\n",
			want: Cgroup{Version: 2, Path: "/", MemoryMax: "max", PidsMax: "max", CPUMax: "max 100000"},
		},
		{
			name: "v2 host namespace", dir: "v2-hostns", procCgroup: "0::/system.slice/docker-abc.scope\n",
			want: Cgroup{Version: 2, Path: "/system.slice/docker-abc.scope", MemoryMax: "268435456", PidsMax: "64", CPUMax: "50000 100000"},
		},
		{
			name: "v1 container view", dir: "v1",
			procCgroup: "12:pids:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/system.slice/containerd.service\n",
			want:       Cgroup{Version: 1, Path: "/docker/abc", MemoryMax: "max", PidsMax: "100", CPUMax: "150000 100000"},
		},
		{
			name: "v1 host view", dir: "v1-hostview",
			procCgroup: "12:pids:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n",
			want:       Cgroup{Version: 1, Path: "/docker/abc", MemoryMax: "268435456", PidsMax: "50", CPUMax: "max 100000"},
		},
		{
			name: "no cgroup file system", dir: "none", procCgroup: "",
			want: Cgroup{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCgroup(filepath.Join("testdata", "cgroup", tt.dir), tt.procCgroup)
			if got != tt.want {
				t.Errorf("readCgroup\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseProcCgroup(t *testing.T) {
	got := parseProcCgroup("4:memory:/a\n2:cpu,cpuacct:/b\n1:name=systemd:/c\n0::/d\nmalformed\n")
	want := map[string]string{"memory": "/a", "cpu": "/b", "cpuacct": "/b", "name=systemd": "/c", "": "/d"}
	if len(got) != len(want) {
		t.Fatalf("parseProcCgroup = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("controller %q = %q, want %q", k, got[k], v)
		}
	}
}

func TestV1Conversions(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"memory unlimited", v1Memory("9223372036854771712"), "max"},
		{"memory limited", v1Memory("536870912"), "536870912"},
		{"memory unreadable", v1Memory(""), ""},
		{"cpu unlimited", v1CPU("-1", "100000"), "max 100000"},
		{"cpu limited", v1CPU("50000", "100000"), "50000 100000"},
		{"cpu unreadable", v1CPU("", "100000"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
