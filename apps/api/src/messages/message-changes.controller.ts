import { Body, Controller, Delete, Get, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { AppError } from '../common/app-error';
import { isReactionEmoji } from '@chat/shared-types';
import { EMOJI_RULE } from '../common/decorators/is-reaction-emoji.decorator';
import { EditMessageDto } from './dto/change-message.dto';
import { ChangesPageDto, ChangesQueryDto } from './dto/changes-query.dto';
import { MessageDto } from './dto/message.dto';
import { MessagesService } from './messages.service';
import { SendRateLimiter } from './send-rate-limiter';

const MESSAGE_ID = {
  name: 'messageId',
  description: 'A message of this chat (anything else is 404)',
  example: '42',
};
const EMOJI = {
  name: 'emoji',
  description: 'One emoji, percent-encoded UTF-8 (e.g. %F0%9F%91%8D for 👍)',
  example: '👍',
};

/**
 * Messages that change: edit, delete, react, and `changes` (what changed since a version).
 * Each change takes a send token (the same per-user limit as sending), goes through the
 * chat's ordered write path and is announced as `message:updated`. Errors: membership first
 * (403), then the message in that chat (404), then the right to act (403).
 */
@ApiTags('messages')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('chats/:id')
export class MessageChangesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly limiter: SendRateLimiter,
  ) {}

  /** Every message whose version is greater than `since`, once, in its current state. */
  @Get('changes')
  @ApiOkResponse({ type: ChangesPageDto })
  @ApiErrors(400, 403)
  changes(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Query() query: ChangesQueryDto,
  ): Promise<ChangesPageDto> {
    return this.messages.changes(user.id, chatId, query);
  }

  /** Edits one's own message (same content rules as sending); the same content again changes nothing. */
  @Patch('messages/:messageId')
  @ApiParam(MESSAGE_ID)
  @ApiOkResponse({ type: MessageDto, description: 'The message as edited' })
  @ApiErrors(400, 403, 404, 429)
  async edit(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('messageId') messageId: string,
    @Body() dto: EditMessageDto,
  ): Promise<MessageDto> {
    await this.limiter.take(user.id);
    return this.messages.edit(user, chatId, messageId, dto.content);
  }

  /** Deletes one's own message: answers the tombstone (unchanged when deleted already). */
  @Delete('messages/:messageId')
  @ApiParam(MESSAGE_ID)
  @ApiOkResponse({ type: MessageDto, description: 'The tombstone' })
  @ApiErrors(403, 404, 429)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('messageId') messageId: string,
  ): Promise<MessageDto> {
    await this.limiter.take(user.id);
    return this.messages.remove(user, chatId, messageId);
  }

  /** Sets the caller's reaction (at most 20 different emoji per user and message). */
  @Put('messages/:messageId/reactions/:emoji')
  @ApiParam(MESSAGE_ID)
  @ApiParam(EMOJI)
  @ApiOkResponse({ type: MessageDto, description: 'The message with its reactions' })
  @ApiErrors(400, 403, 404, 429)
  async react(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return this.setReaction(user, chatId, messageId, emoji, true);
  }

  /** Clears the caller's reaction; clearing one that is not set changes nothing. */
  @Delete('messages/:messageId/reactions/:emoji')
  @ApiParam(MESSAGE_ID)
  @ApiParam(EMOJI)
  @ApiOkResponse({ type: MessageDto, description: 'The message with its reactions' })
  @ApiErrors(400, 403, 404, 429)
  async unreact(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return this.setReaction(user, chatId, messageId, emoji, false);
  }

  private async setReaction(
    user: AuthenticatedUser,
    chatId: string,
    messageId: string,
    emoji: string,
    on: boolean,
  ): Promise<MessageDto> {
    assertEmoji(emoji);
    await this.limiter.take(user.id);
    return this.messages.react(user, chatId, messageId, emoji, on);
  }
}

/** The path segment, already percent-decoded by the router. */
function assertEmoji(emoji: string): void {
  if (!isReactionEmoji(emoji)) throw new AppError('invalid', `emoji ${EMOJI_RULE}`);
}
