package gemm

import (
	"math"
	"sync"
	"sync/atomic"
)

// job is work split into parts that the calling goroutine and the workers
// claim one by one: the parts of a product (a mul's run) or Parallel's.
type job struct {
	parts int
	fn    func(part int) // the work of a part
	next  atomic.Int32   // the next part to claim
	refs  atomic.Int32   // the caller and the helpers still using j
	wg    sync.WaitGroup // counts the parts not yet done
}

// mul is one call's product, split into parts by columns or rows of c.
type mul[T float] struct {
	kn          *kern[T]
	aT, bT      bool
	m, n, k     int
	alpha, beta T
	a, b, c     general[T]
	packA       bool // pack all of A, not just its last partial panel of rows
	fuseB       bool // the kernel packs B's full panels as it first reads them
	splitN      bool // the parts are column ranges of c, not row ranges
	tiles, unit int  // the tiles of c along the split, and their width (nr) or height (mr)
	parts       int
	then        func(i0, i1, j0, j1 int) // GemmThen's, or nil
	part        func(part int)           // run, for the job that hands out the parts
}

// partsPerThread is how many column ranges each thread gets when there are
// enough.
const partsPerThread = 2

// split divides j into parts for the given number of threads: column
// ranges of c, a multiple of nr wide, or row ranges, a multiple of mr
// high, as equal as whole tiles allow (13 tiles in 4 parts are 3, 3, 3
// and 4, not 4, 4, 4 and 1). A is read in place and B packed part by part,
// so column ranges repeat no work, and when there are enough of them each
// thread gets two, which balances the load when a thread is slow to start.
// Otherwise the parts are row ranges, one per thread, each of which packs
// all of B.
func (j *mul[T]) split(threads int) {
	kn := j.kn
	cols := (j.n + kn.nr - 1) / kn.nr
	rows := (j.m + kn.mr - 1) / kn.mr
	j.splitN = threads == 1 || cols >= 2*threads || cols >= rows
	size, unit, parts := j.m, kn.mr, min(threads, rows)
	if j.splitN {
		size, unit, parts = j.n, kn.nr, min(partsPerThread*threads, cols)
		if threads == 1 {
			parts = 1
		}
	}
	j.tiles, j.unit, j.parts = (size+unit-1)/unit, unit, parts
}

// span returns part p's range of columns (or rows) of c, [lo, hi).
func (j *mul[T]) span(p int) (lo, hi int) {
	size := j.m
	if j.splitN {
		size = j.n
	}
	return p * j.tiles / j.parts * j.unit, min(size, (p+1)*j.tiles/j.parts*j.unit)
}

// do runs j with the help of up to helpers workers and returns when it is
// done.
func (j *job) do(helpers int) {
	j.next.Store(0)
	j.refs.Store(int32(1 + helpers))
	j.wg.Add(j.parts)
	if helpers > 0 {
		beginCall()
		startWorkers(helpers)
		for range helpers {
			tasks <- j
		}
	}
	j.work()
	j.wg.Wait()
	j.release()
	if helpers > 0 {
		endCall()
	}
}

// work claims the parts of j that are left, one by one, and runs them.
func (j *job) work() {
	for {
		p := int(j.next.Add(1)) - 1
		if p >= j.parts {
			return
		}
		j.fn(p)
		j.wg.Done()
	}
}

// release drops a reference to j; the last one frees it. A helper that
// starts late finds no part left and only releases j, so the caller need
// not wait for it.
func (j *job) release() {
	if j.refs.Add(-1) == 0 {
		j.fn = nil
		jobs.put(j)
	}
}

// workspace holds one part's packed panels and the edge tile.
type workspace[T float] struct {
	a, b, t []T
}

// freeList is a stack of values for reuse which, unlike a sync.Pool, the
// garbage collector never empties, so that a warm Gemm never allocates.
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

func (l *freeList[T]) get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.items)
	if n == 0 {
		return new(T)
	}
	x := l.items[n-1]
	l.items = l.items[:n-1]
	return x
}

func (l *freeList[T]) put(x *T) {
	l.mu.Lock()
	l.items = append(l.items, x)
	l.mu.Unlock()
}

// pools holds the values kept for reuse for products of T.
type pools[T float] struct {
	muls       freeList[mul[T]]
	workspaces freeList[workspace[T]]
}

var (
	jobs    freeList[job]
	pools64 pools[float64]
	pools32 pools[float32]
)

// poolsOf returns the pools for T.
func poolsOf[T float]() *pools[T] {
	var x T
	switch any(x).(type) {
	case float32:
		return any(&pools32).(*pools[T])
	default:
		return any(&pools64).(*pools[T])
	}
}

// mulsOf returns the free list of muls of T.
func mulsOf[T float]() *freeList[mul[T]] { return &poolsOf[T]().muls }

func grow[T float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// blockSize splits total into equal blocks of at most max, each a multiple
// of unit, which max is too, and returns their size.
func blockSize(total, max, unit int) int {
	blocks := (total + max - 1) / max
	size := (total + blocks - 1) / blocks
	return (size + unit - 1) / unit * unit
}

// run computes part p of j: for each block of columns of c, each block of
// the inner dimension and each block of rows, it packs what it must and
// runs the macrokernel.
func (j *mul[T]) run(p int) {
	i0, i1, j0, j1 := 0, j.m, 0, j.n
	if j.splitN {
		j0, j1 = j.span(p)
	} else {
		i0, i1 = j.span(p)
	}
	kn := j.kn
	kc := blockSize(j.k, kn.kc, 1)
	mc := blockSize(i1-i0, kn.mc, kn.mr)
	nc := blockSize(j1-j0, kn.nc, kn.nr)
	ws := &poolsOf[T]().workspaces
	w := ws.get()
	w.a = grow(w.a, mc*kc)
	w.b = grow(w.b, nc*kc)
	w.t = grow(w.t, kn.mr*kn.nr)
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < j.k; pc += kc {
			kb := min(kc, j.k-pc)
			packB(kn, w.b, j.b, j.bT, pc, kb, jc, nb, j.fuseB)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				if j.packA {
					packA(w.a, j.a, j.aT, ic, mb, pc, kb, kn.mr)
				} else if full := mb / kn.mr * kn.mr; full < mb {
					packA(w.a[full*kb:], j.a, j.aT, ic+full, mb-full, pc, kb, kn.mr)
				}
				j.macro(w, ic, mb, jc, nb, pc, kb, beta, j.fuseB && ic == i0)
				if j.then != nil && pc+kb == j.k {
					j.then(ic, ic+mb, jc, jc+nb) // the block's last k-block: final
				}
			}
		}
	}
	ws.put(w)
}

// macro multiplies the mb×kb block of op(a) at (ic, pc), packed in w.a or
// read in place, by the kb×nb block of op(b) packed in w.b into
// c[ic:ic+mb, jc:jc+nb], tile by tile. With packB set, the first tile of
// each full panel of B reads the panel in place and packs it into w.b.
func (j *mul[T]) macro(w *workspace[T], ic, mb, jc, nb, pc, kb int, beta T, packB bool) {
	kn, a, b, c, alpha := j.kn, j.a, j.b, j.c, j.alpha
	mr, nr := kn.mr, kn.nr
	for jr := 0; jr < nb; jr += nr {
		bp := w.b[jr*kb:]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap, ais, aks := w.a[ir*kb:], 1, mr
			switch {
			case j.packA || rows < mr:
			case j.aT:
				ap, ais, aks = a.Data[pc*a.Stride+ic+ir:], 1, a.Stride
			default:
				ap, ais, aks = a.Data[(ic+ir)*a.Stride+pc:], a.Stride, 1
			}
			// An edge tile is computed whole into w.t and then merged.
			off := (ic+ir)*c.Stride + jc + jr
			cp, ldc, al, be := c.Data[off:], c.Stride, alpha, beta
			edge := rows < mr || cols < nr
			if edge {
				cp, ldc, al, be = w.t, nr, 1, 0
			}
			if packB && ir == 0 && cols == nr {
				kn.tilePackB(kb, ap, ais, aks, b.Data[pc*b.Stride+jc+jr:], b.Stride, bp, cp, ldc, al, be)
			} else {
				kn.tile(kb, ap, ais, aks, bp, cp, ldc, al, be)
			}
			if edge {
				merge(c.Data[off:], c.Stride, w.t, nr, rows, cols, alpha, beta, kn.fused)
			}
		}
	}
}

// merge computes c = alpha·t + beta·c on a rows×cols block, where beta = 0
// overwrites c. With fused set it rounds as the assembly kernels store a
// whole tile, fma(alpha, t, beta·c), so that where edge tiles fall (which
// depends on the kernel) does not change the bits for any alpha; the
// portable kernel, which may run where FMA is emulated in software, rounds
// alpha·t and beta·c separately, as its own tiles do.
func merge[T float](c []T, ldc int, t []T, ldt, rows, cols int, alpha, beta T, fused bool) {
	for i := range rows {
		cr := c[i*ldc:][:cols]
		tr := t[i*ldt:][:cols]
		switch {
		case beta == 0:
			for x, v := range tr {
				cr[x] = alpha * v
			}
		case fused:
			fmaRow(cr, tr, alpha, beta)
		default:
			for x, v := range tr {
				cr[x] = alpha*v + beta*cr[x]
			}
		}
	}
}

// fmaRow computes c[x] = fma(alpha, t[x], beta·c[x]), rounding once as the
// assembly kernels' VFMADD231 does, in T's precision.
func fmaRow[T float](c, t []T, alpha, beta T) {
	switch c := any(c).(type) {
	case []float64:
		t, alpha, beta := any(t).([]float64), float64(alpha), float64(beta)
		for x, v := range t[:len(c)] {
			c[x] = math.FMA(alpha, v, beta*c[x])
		}
	case []float32:
		t, alpha, beta := any(t).([]float32), float32(alpha), float32(beta)
		for x, v := range t[:len(c)] {
			c[x] = fma32(alpha, v, beta*c[x])
		}
	}
}

// fma32 returns x·y + z rounded once to float32, as VFMADD231PS computes
// it (Go has no float32 FMA). x·y is exact in float64, 24 + 24 bits of
// significand in 53, so s = x·y + z rounded to float64 is within half a
// float64 ulp of the exact sum, and rounding s to float32 gives the sum
// rounded once, except when s lies exactly halfway between two float32s
// while the sum does not: then s is moved one float64 ulp toward the sum,
// whose side of the halfway point the rounding error e (an exact TwoSum)
// tells.
func fma32(x, y, z float32) float32 {
	p, zz := float64(x)*float64(y), float64(z)
	s := p + zz
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s)
	}
	var half bool
	if a := math.Abs(s); a >= 0x1p-126 {
		// A float32 keeps 24 of a normal float64's 53 bits of significand:
		// halfway is the 29 bits dropped being 1 followed by zeros.
		half = math.Float64bits(s)&(1<<29-1) == 1<<28
	} else {
		// Below float32's normal range its ulp is 2^-149.
		r := a * 0x1p149
		half = r-math.Floor(r) == 0.5
	}
	if half {
		t := s - p
		e := (p - (s - t)) + (zz - t)
		if e > 0 {
			s = math.Nextafter(s, math.Inf(1))
		} else if e < 0 {
			s = math.Nextafter(s, math.Inf(-1))
		}
	}
	return float32(s)
}
