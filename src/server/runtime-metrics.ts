/**
 * What the load benchmark reads from inside a server process: memory and event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`). Exposed only when INTERNAL_METRICS is on
 * (src/pages/internal/metrics.json.ts); the histogram starts on the first read, so a server
 * without the setting pays nothing.
 */
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';

let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;
let cpuBlocks: RecordableHistogram | undefined;

/**
 * CPU time this process's main thread spent between two ticks of a 10 ms timer: what one turn of
 * the event loop ran (pages, garbage collection pauses) in CPU, not wall-clock, time. On a shared,
 * busy machine the event-loop delay also counts the time the process waited for a core; this does
 * not, so it tells this process's own blocking apart from the machine's (on a quiet machine the
 * two agree: delay ≈ this block − 10 ms).
 */
function startCpuBlocks(): RecordableHistogram {
  const h = createHistogram();
  let last = process.threadCpuUsage();
  setInterval(() => {
    const now = process.threadCpuUsage();
    const micros = now.user - last.user + (now.system - last.system);
    last = now;
    h.record(Math.max(1, Math.round(micros)));
  }, 10).unref();
  return h;
}

export interface RuntimeMetrics {
  pid: number;
  uptimeSeconds: number;
  memory: { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number };
  /** Delay of the event loop since the last reset, in milliseconds (null before the first sample). */
  eventLoopDelay: { p50: number; p99: number; max: number; mean: number; samples: number } | null;
  /** Main-thread CPU (ms) run between two ticks of a 10 ms timer since the last reset (see startCpuBlocks). */
  eventLoopCpuBlock: { p99: number; max: number; samples: number } | null;
  /** Pages and form posts in flight in this process, as MAX_REQUESTS_IN_FLIGHT counts them (null under `astro dev`). */
  pagesInFlight: number | null;
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;

/** Current figures of this process; `reset` starts a new event-loop window after reading. */
export function runtimeMetrics(reset = false, pagesInFlight: number | null = null): RuntimeMetrics {
  if (!histogram) {
    // 10 ms sampling: fine enough for a 50 ms budget, cheap enough to leave on.
    histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    cpuBlocks = startCpuBlocks();
  }
  const blocks = cpuBlocks;
  const m = process.memoryUsage();
  const h = histogram;
  const result: RuntimeMetrics = {
    pid: process.pid,
    uptimeSeconds: Math.round(process.uptime()),
    memory: {
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
      arrayBuffersMb: mb(m.arrayBuffers),
    },
    eventLoopDelay:
      h.count > 0 ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), samples: h.count } : null,
    eventLoopCpuBlock:
      blocks && blocks.count > 0
        ? { p99: Math.round(blocks.percentile(99) / 100) / 10, max: Math.round(blocks.max / 100) / 10, samples: blocks.count }
        : null,
    pagesInFlight,
  };
  if (reset) {
    h.reset();
    blocks?.reset();
  }
  return result;
}
