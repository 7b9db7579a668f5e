import { Global, Module } from '@nestjs/common';
import { Broadcaster } from './broadcaster.service';
import { PresenceService } from './presence.service';

/** The realtime state every feature module may use, without depending on the gateway. */
@Global()
@Module({
  providers: [Broadcaster, PresenceService],
  exports: [Broadcaster, PresenceService],
})
export class BroadcastModule {}
