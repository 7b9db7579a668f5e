import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AttachmentsService } from '../attachments/attachments.service';
import { MessageWriter } from '../messages/message-writer';
import { REDIS, type RedisConnections } from '../redis/redis.module';

/**
 * The instance's Prometheus metrics (GET /api/metrics). Counters and histograms are updated
 * where things happen (a few arithmetic operations each); gauges of state (sockets, pool,
 * Redis) are read only when scraped. Node's defaults (`nodejs_eventloop_lag_*`, heap, GC, ...)
 * come from prom-client.
 */
@Injectable()
export class Metrics implements OnApplicationBootstrap {
  readonly registry = new Registry();

  readonly messagesStored = new Counter({
    name: 'chat_messages_stored_total',
    help: 'Messages inserted by the group-commit writer (rate() gives messages stored per second)',
    registers: [this.registry],
  });

  readonly writeBatchSize = new Histogram({
    name: 'chat_message_write_batch_size',
    help: 'Messages per group-commit transaction of the message writer',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly ackLatency = new Histogram({
    name: 'chat_message_send_ack_seconds',
    help: 'message:send from the packet read to its ack, by outcome (ok or the error code)',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'chat_http_request_duration_seconds',
    help: 'HTTP requests under /api by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly uploads = new Counter({
    name: 'chat_attachment_uploads_total',
    help: 'Attachment uploads by outcome (ok or the error code: too_large, unsupported, rate_limited...) and kind (image, file; none when refused)',
    labelNames: ['outcome', 'kind'],
    registers: [this.registry],
  });

  readonly uploadBytes = new Histogram({
    name: 'chat_attachment_upload_bytes',
    help: 'Bytes stored per accepted upload (the re-encoded image, or the file as sent)',
    buckets: [10e3, 100e3, 1e6, 5e6, 10e6, 25e6, 100e6],
    registers: [this.registry],
  });

  readonly uploadDuration = new Histogram({
    name: 'chat_attachment_upload_seconds',
    help: 'An upload from its request to its answer (receiving, inspecting, re-encoding, storing), by outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private countSockets: () => number = () => 0;
  private readonly pool: Pool;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(REDIS) private readonly redis: RedisConnections | null,
    private readonly modules: ModuleRef,
  ) {
    this.pool = (db.driver as PostgresDriver).master as Pool;
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    const sockets = () => this.countSockets();
    new Gauge({
      name: 'chat_connected_sockets',
      help: 'Socket.IO connections open on this instance',
      registers: [this.registry],
      collect() {
        this.set(sockets());
      },
    });
    const pool = this.pool;
    new Gauge({
      name: 'chat_pg_pool_connections',
      help: 'PostgreSQL pool: connections open (total), idle, and requests waiting for one',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    const connections = this.redis;
    new Gauge({
      name: 'chat_redis_up',
      help: 'Redis connections (1 ready, 0 not): adapter pub and sub, and commands; none without REDIS_URL',
      labelNames: ['connection'],
      registers: [this.registry],
      collect() {
        if (!connections) return;
        for (const [name, client] of Object.entries(connections)) {
          this.set({ connection: name }, client.status === 'ready' ? 1 : 0);
        }
      },
    });
  }

  /**
   * The writer reports each committed batch here, and uploads their outcome (one hook each;
   * nothing else on their paths).
   */
  onApplicationBootstrap(): void {
    const writer = this.modules.get(MessageWriter, { strict: false });
    writer.onBatchStored = (size, stored) => {
      this.writeBatchSize.observe(size);
      this.messagesStored.inc(stored);
    };
    const attachments = this.modules.get(AttachmentsService, { strict: false });
    attachments.onUploaded = ({ outcome, kind, bytes, seconds }) => {
      this.uploads.inc({ outcome, kind: kind ?? 'none' });
      this.uploadDuration.observe({ outcome }, seconds);
      if (outcome === 'ok') this.uploadBytes.observe(bytes);
    };
  }

  /** The realtime layer tells how to count this instance's sockets. */
  countSocketsWith(count: () => number): void {
    this.countSockets = count;
  }
}
