import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ChatsService } from './chats.service';
import { ChatDto } from './dto/chat.dto';
import { MarkReadDto } from './dto/mark-read.dto';
import { MembersPageDto } from './dto/members-page.dto';
import { MembersQueryDto } from './dto/members-query.dto';

@ApiTags('chats')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('chats')
/** POST /api/chats (a direct chat or a group) is GroupsController's. */
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  /** The caller's chats: `all` first, then by latest activity, with unread counts. */
  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<ChatDto[]> {
    return this.chats.list(user.id);
  }

  /**
   * The chat's members by full name then login, a page at a time (`nextCursor` → `after`);
   * `search` matches a prefix of the login or of the full name. The member list of `All`.
   */
  @Get(':id/members')
  @ApiErrors(400, 403)
  members(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Query() query: MembersQueryDto,
  ): Promise<MembersPageDto> {
    return this.chats.members(user.id, chatId, query);
  }

  /** Moves the caller's read mark forward (never back) and tells every member's sockets. */
  @Post(':id/read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrors(400, 403)
  async markRead(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Body() dto: MarkReadDto,
  ): Promise<void> {
    await this.chats.markRead(user.id, chatId, dto.upToId);
  }
}
