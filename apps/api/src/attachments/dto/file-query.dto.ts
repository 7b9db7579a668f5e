import { IsString, Matches } from 'class-validator';

/** The signature of a file URL (AttachmentUrls); checked by AttachmentsService.serve. */
export class FileQueryDto {
  /** Expiry, seconds since 1970 */
  @Matches(/^\d{1,12}$/, { message: 'exp must be a number of seconds' })
  exp!: string;

  /** HMAC-SHA256 of id, variant and exp, base64url */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'sig must be a signature this server made' })
  sig!: string;
}
