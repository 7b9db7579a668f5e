import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError } from '../common/app-error';
import { AcceptsBody } from '../common/decorators/accepts-body.decorator';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { VARIANTS } from './attachment-urls';
import { AttachmentsService } from './attachments.service';
import { AttachmentDto } from './dto/attachment.dto';
import { FileQueryDto } from './dto/file-query.dto';
import { contentDisposition } from './file-names';
import { parseRange } from './ranges';

@ApiTags('attachments')
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  /** Uploads one file to a chat: kept for 24 hours unless a message uses it */
  @Post('chats/:id/attachments')
  @HttpCode(HttpStatus.CREATED)
  @AcceptsBody('multipart/form-data')
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiCreatedResponse({ type: AttachmentDto, description: 'Stored; send it with attachmentIds' })
  @ApiErrors(400, 401, 403, 415, 429)
  @ApiResponse({ status: 413, type: ApiErrorDto, description: 'error: larger than MAX_UPLOAD_MB' })
  upload(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') chatId: string,
    @Req() request: Request,
  ): Promise<AttachmentDto> {
    return this.attachments.upload(user, chatId, request);
  }

  /**
   * A file, by a signed URL from an Attachment (no Authorization header): raster images
   * inline, anything else as a download; Range requests answered 206
   */
  @Get('attachments/:attachmentId/:variant')
  @Public()
  @ApiParam({ name: 'variant', enum: VARIANTS })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 206,
    description: 'The requested range',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiErrors(400, 403, 404)
  @ApiResponse({ status: 416, description: 'The range is outside the file' })
  async file(
    @Param('attachmentId', new ParseUUIDPipe({ exceptionFactory: () => notFound() }))
    id: string,
    @Param('variant') variant: string,
    @Query() query: FileQueryDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!(VARIANTS as readonly string[]).includes(variant)) throw notFound();
    const file = await this.attachments.serve(id, variant, query.exp, query.sig);
    const remaining = Math.max(Number(query.exp) - Math.floor(Date.now() / 1000), 0);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    response.setHeader('Content-Type', file.inline ? file.mime : downloadType(file.mime));
    response.setHeader(
      'Content-Disposition',
      contentDisposition(file.inline ? 'inline' : 'attachment', file.name),
    );
    // The URL is the capability: private, and no longer than it is valid.
    response.setHeader('Cache-Control', `private, max-age=${remaining}, immutable`);
    response.setHeader('Accept-Ranges', 'bytes');
    const range = parseRange(request.headers.range, file.size);
    if (range === 'unsatisfiable') {
      response.setHeader('Content-Range', `bytes */${file.size}`);
      response.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).end();
      return;
    }
    if (range) {
      response.status(HttpStatus.PARTIAL_CONTENT);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      response.setHeader('Content-Length', range.end - range.start + 1);
    } else {
      response.status(HttpStatus.OK);
      response.setHeader('Content-Length', file.size);
    }
    if (request.method === 'HEAD' || file.size === 0) {
      response.end();
      return;
    }
    const body = await file.open(range ?? undefined);
    body.on('error', () => response.destroy());
    body.pipe(response);
  }
}

const notFound = () => new AppError('not_found', 'No such file');

/** Text types would make a download open in the browser's viewer on some clients: bytes. */
function downloadType(mime: string): string {
  return mime.startsWith('text/') || mime.includes('html') || mime.includes('xml')
    ? 'application/octet-stream'
    : mime;
}
