import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ChatsService } from './chats.service';
import { ChatDto } from './dto/chat.dto';
import { CreateChatDto } from './dto/create-chat.dto';
import { MarkReadDto } from './dto/mark-read.dto';

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
