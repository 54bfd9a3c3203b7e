package ami

import (
	"errors"
	"runtime"
	"strconv"
)

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

func itoa(i int) string { return strconv.Itoa(i) }

type memStats struct{ heap uint64 }

func (m *memStats) read() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.heap = ms.HeapAlloc
}
