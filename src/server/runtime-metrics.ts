/**
 * What the load benchmark reads from inside a server process: memory and event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`). Exposed only when INTERNAL_METRICS is on
 * (src/pages/internal/metrics.json.ts); the histogram starts on the first read, so a server
 * without the setting pays nothing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;

export interface RuntimeMetrics {
  pid: number;
  uptimeSeconds: number;
  memory: { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number };
  /** Delay of the event loop since the last reset, in milliseconds (null before the first sample). */
  eventLoopDelay: { p50: number; p99: number; max: number; mean: number; samples: number } | null;
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
  }
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
    pagesInFlight,
  };
  if (reset) h.reset();
  return result;
}
