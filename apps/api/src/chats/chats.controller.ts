import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ChatsService } from './chats.service';
import { ChatDto } from './dto/chat.dto';
import { CreateChatDto } from './dto/create-chat.dto';
import { MarkReadDto } from './dto/mark-read.dto';
import { MembersPageDto } from './dto/members-page.dto';
import { MembersQueryDto } from './dto/members-query.dto';

@ApiTags('chats')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  /** The caller's chats: `all` first, then by latest activity, with unread counts. */
  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<ChatDto[]> {
    return this.chats.list(user.id);
  }

  /** Opens the direct chat with a peer: 201 when created, 200 when it was already there. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: ChatDto, description: 'The chat was created' })
  @ApiOkResponse({ type: ChatDto, description: 'The chat was already there' })
  @ApiErrors(400, 404)
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateChatDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChatDto> {
    const { chat, created } = await this.chats.createDirect(user.id, dto.peerId);
    if (!created) response.status(HttpStatus.OK);
    return chat;
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
