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
import { HistoryPageDto } from './dto/history-page.dto';
import { HistoryQueryDto } from './dto/history-query.dto';
import { MessageDto } from './dto/message.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MessagesService } from './messages.service';
import { SendRateLimiter } from './send-rate-limiter';

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@Controller('chats/:id/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly limiter: SendRateLimiter,
  ) {}

  /** A page of history, ascending by id: the newest without cursors. */
  @Get()
  history(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPageDto> {
    return this.messages.history(user.id, chatId, query);
  }

  /** Stores and broadcasts a message: 201, or 200 with the stored one for a repeated clientId. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: MessageDto, description: 'The message was stored' })
  @ApiOkResponse({
    type: MessageDto,
    description: 'This clientId was already stored: the stored message, nothing new',
  })
  @ApiErrors(429)
  async send(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Body() dto: SendMessageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageDto> {
    await this.limiter.take(user.id);
    const { message, created } = await this.messages.send(user, chatId, dto);
    if (!created) response.status(HttpStatus.OK);
    return message;
  }
}
