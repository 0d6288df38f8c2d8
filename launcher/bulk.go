package launcher

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Performance machinery: the streams are metered so that IO.Bulk (in
// hardrun, giving back the processors that cmd/hardrun/affinity.go took)
// is called only once a container really streams bulk data. What it buys
// (BENCHMARKS.md): 200 MB of stdout copied with 942 instead of 1 015 ms of
// CPU, while a short command never pays for a second processor (~0.5 MiB
// of peak RSS).

// bulkBytes is what a container's streams carry before IO.Bulk is called:
// enough that a short command's output never reaches it.
const bulkBytes = 1 << 20

// bulkMeter counts the bytes the streams carry, both ways, and calls bulk
// once they reach bulkBytes.
type bulkMeter struct {
	n    atomic.Int64
	once sync.Once
	bulk func()
}

func (m *bulkMeter) add(n int) {
	if m.n.Add(int64(n)) >= bulkBytes {
		m.once.Do(m.bulk)
	}
}

// meteredWriter counts what is written through it.
type meteredWriter struct {
	w io.Writer
	m *bulkMeter
}

func (w meteredWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.m.add(n)
	return n, err
}

// meteredConn counts what is written to the container (its stdin).
type meteredConn struct {
	net.Conn
	m *bulkMeter
}

func (c meteredConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.m.add(n)
	return n, err
}

// CloseWrite half-closes the connection underneath, as Stream.CloseWrite
// expects.
func (c meteredConn) CloseWrite() error { return closeWrite(c.Conn) }
