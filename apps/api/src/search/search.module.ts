import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

@Module({
  imports: [ChatsModule],
  controllers: [SearchController],
  providers: [SearchService],
})
export class SearchModule {}
