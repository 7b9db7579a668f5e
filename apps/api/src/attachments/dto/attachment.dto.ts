export { AttachmentDto } from '../../messages/dto/message.dto';
