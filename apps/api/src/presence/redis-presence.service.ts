import { Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { PresenceService } from './presence.service';

const TTL_MS = 30_000;
const HEARTBEAT_MS = 10_000;

/**
 * Presence shared by every instance. Each user has a sorted set of their sockets
 * (`<instance>:<socket>`) scored by when the entry expires; every instance refreshes its own
 * entries on a heartbeat, so the sockets of an instance that crashed expire on their own.
 */
export class RedisPresenceService extends PresenceService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisPresenceService.name);
  private readonly instance = randomUUID();
  private readonly local = new Map<string, string>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly redis: Redis) {
    super();
    this.heartbeat = setInterval(() => void this.refresh(), HEARTBEAT_MS).unref();
  }

  async connected(userId: string, socketId: string): Promise<boolean> {
    const member = `${this.instance}:${socketId}`;
    this.local.set(member, userId);
    const now = Date.now();
    const result = await this.redis
      .multi()
      .zremrangebyscore(key(userId), '-inf', now)
      .zadd(key(userId), now + TTL_MS, member)
      .zcard(key(userId))
      .pexpire(key(userId), TTL_MS)
      .exec();
    return result?.[2]?.[1] === 1;
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const member = `${this.instance}:${socketId}`;
    if (!this.local.delete(member)) return false;
    const result = await this.redis
      .multi()
      .zrem(key(userId), member)
      .zremrangebyscore(key(userId), '-inf', Date.now())
      .zcard(key(userId))
      .exec();
    return result?.[2]?.[1] === 0;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(key(id), now, '+inf');
    const counts = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  private async refresh(): Promise<void> {
    if (this.local.size === 0) return;
    const expires = Date.now() + TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const [member, userId] of this.local) {
      pipeline.zadd(key(userId), expires, member).pexpire(key(userId), TTL_MS);
    }
    await pipeline
      .exec()
      .catch((error: Error) => this.logger.warn(`Heartbeat failed: ${error.message}`));
  }
}

const key = (userId: string) => `presence:${userId}`;
