import {
  Body,
  Controller,
  Delete,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Chat } from '@chat/shared-types';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ChatDto } from '../chats/dto/chat.dto';
import { CreateChatDto } from '../chats/dto/create-chat.dto';
import { AddMembersDto, GroupTitleDto, SetRoleDto } from './dto/group.dto';
import { GroupsService, createChat } from './groups.service';
import { ChatsService } from '../chats/chats.service';

@ApiTags('chats')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('chats')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly chats: ChatsService,
  ) {}

  /**
   * `{ peerId }` opens the direct chat with a peer: 201 when created, 200 when it was already
   * there. `{ title, memberIds }` creates a group whose owner is the caller: 201.
   */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: ChatDto, description: 'The chat was created' })
  @ApiOkResponse({ type: ChatDto, description: 'The direct chat was already there' })
  @ApiErrors(400, 404)
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateChatDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChatDto> {
    const { chat, created } = await createChat(this.chats, this.groups, user.id, dto);
    if (!created) response.status(HttpStatus.OK);
    return chat;
  }

  /** Renames a group (its owner or an admin). */
  @Patch(':id')
  @ApiOkResponse({ type: ChatDto })
  @ApiErrors(400, 403)
  rename(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Body() dto: GroupTitleDto,
  ): Promise<Chat> {
    return this.groups.rename(user.id, chatId, dto.title);
  }

  /** Adds people to a group (its owner or an admin); they see its whole history. */
  @Post(':id/members')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ChatDto })
  @ApiErrors(400, 403, 404)
  add(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Body() dto: AddMembersDto,
  ): Promise<Chat> {
    return this.groups.add(user.id, chatId, dto.userIds);
  }

  /** Makes a member an admin or a member again (the owner only). */
  @Patch(':id/members/:userId')
  @ApiOkResponse({ type: ChatDto })
  @ApiErrors(400, 403, 404)
  setRole(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('userId') userId: string,
    @Body() dto: SetRoleDto,
  ): Promise<Chat> {
    return this.groups.setRole(user.id, chatId, userId.toLowerCase(), dto.role);
  }

  /**
   * Removes a member (the owner, or an admin removing a member), or leaves (one's own id).
   * Answered once the removed member's sockets have left the group on every instance.
   */
  @Delete(':id/members/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrors(403, 404)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.groups.remove(user.id, chatId, userId.toLowerCase());
  }
}
