/**
 * Prometheus metrics at `/metrics`: heartbeats and air-gap usage reports accepted, rejected by
 * reason (the protocol's stable codes), and ingest latency. One registry per app, so tests and benchmarks never share counters.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ControlPlaneMetrics {
  readonly registry = new Registry();
  readonly heartbeatsAccepted = new Counter({
    name: 'controlplane_heartbeats_accepted_total',
    help: 'Heartbeats accepted and durably recorded',
    registers: [this.registry],
  });
  readonly heartbeatsRejected = new Counter({
    name: 'controlplane_heartbeats_rejected_total',
    help: 'Heartbeats rejected, by reason (the error code returned)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly usageReportsAccepted = new Counter({
    name: 'controlplane_usage_reports_accepted_total',
    help: 'Air-gap usage reports accepted and durably recorded',
    registers: [this.registry],
  });
  readonly usageReportsRejected = new Counter({
    name: 'controlplane_usage_reports_rejected_total',
    help: 'Air-gap usage reports rejected, by reason (the error code returned)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly heartbeatSeconds = new Histogram({
    name: 'controlplane_heartbeat_duration_seconds',
    help: 'Time to verify, journal (fsync) and answer one heartbeat',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly enrollments = new Counter({
    name: 'controlplane_enrollments_total',
    help: 'Enrollment attempts, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
