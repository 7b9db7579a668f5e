import type { Message } from '@chat/shared-types';
import { DomainEvents } from './domain-events';

const message: Message = {
  id: '1',
  chatId: 'all',
  senderId: 'u',
  senderName: 'Ann',
  content: 'hi',
  clientId: 'c',
  createdAt: new Date(0).toISOString(),
  replyTo: null,
  editedAt: null,
  deleted: false,
  reactions: [],
  version: '1',
  system: null,
  attachments: [],
};

describe('DomainEvents', () => {
  it('calls every listener of the event, in subscription order, before emit returns', () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.on('message.created', (e) => heard.push(`first ${e.message.id}`));
    events.on('message.created', (e) => heard.push(`second ${e.message.id}`));
    events.on('chat.read', () => heard.push('read'));

    events.emit('message.created', { message });

    expect(heard).toEqual(['first 1', 'second 1']);
  });

  it('keeps going when a listener throws: the emitter and later listeners are unaffected', () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.on('session.ended', () => {
      throw new Error('broken listener');
    });
    events.on('session.ended', (e) => heard.push(e.sessionId));
    const logged = jest.spyOn(events['logger'], 'error').mockImplementation(() => undefined);

    expect(() => events.emit('session.ended', { userId: 'u', sessionId: 's' })).not.toThrow();

    expect(heard).toEqual(['s']);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('broken listener'));
  });

  it('stops calling a listener once it unsubscribes', () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    const off = events.on('chat.read', (e) => heard.push(e.upToId));
    events.emit('chat.read', { chatId: 'all', userId: 'u', upToId: '1' });
    off();
    off();
    events.emit('chat.read', { chatId: 'all', userId: 'u', upToId: '2' });
    expect(heard).toEqual(['1']);
  });
});
