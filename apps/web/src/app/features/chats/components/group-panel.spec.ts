import { TestBed, type ComponentFixture } from '@angular/core/testing';
import type { Chat, ChatMember, ChatRole } from '@chat/shared-types';
import {
  BOB,
  ME,
  chat,
  setUpChatTesting,
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { ChatsStore } from '../data/chats.store';
import { PresenceWatch } from '../data/presence-watch.service';
import { UnreadService } from '../data/unread.service';
import { GroupPanel, canManage, rightsOver } from './group-panel';

const member = (id: string, role: ChatRole): ChatMember => ({
  id,
  login: id,
  fullName: id,
  online: false,
  lastReadId: null,
  role,
});

describe('group roles (rightsOver, canManage)', () => {
  const owner = member('owner', 'owner');
  const admin = member('admin', 'admin');
  const plain = member('plain', 'member');

  it('lets the owner set roles of and remove everyone else', () => {
    expect(rightsOver('owner', admin, 'owner')).toEqual({ setRole: true, remove: true });
    expect(rightsOver('owner', plain, 'owner')).toEqual({ setRole: true, remove: true });
    expect(rightsOver('owner', owner, 'owner')).toEqual({ setRole: false, remove: false });
  });

  it('lets an admin remove members, but not the owner or another admin, and set no roles', () => {
    expect(rightsOver('admin', plain, 'admin')).toEqual({ setRole: false, remove: true });
    expect(rightsOver('admin', member('other', 'admin'), 'admin')).toEqual({
      setRole: false,
      remove: false,
    });
    expect(rightsOver('admin', owner, 'admin')).toEqual({ setRole: false, remove: false });
  });

  it('gives a member, or someone whose role is unknown, no control over others', () => {
    expect(rightsOver('member', admin, 'plain')).toEqual({ setRole: false, remove: false });
    expect(rightsOver(null, plain, 'x')).toEqual({ setRole: false, remove: false });
  });

  it('lets the owner and admins rename and add people, not members', () => {
    expect([canManage('owner'), canManage('admin'), canManage('member'), canManage(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('GroupPanel', () => {
  let ctx: ChatTestContext;
  let fixture: ComponentFixture<GroupPanel>;
  let element: HTMLElement;

  const group = (role: ChatRole, overrides: Partial<Chat> = {}): Chat => ({
    ...chat('g:team', 'Team', [ME, BOB], { kind: 'group' }),
    members: [
      { ...ME, lastReadId: null, role },
      { ...BOB, lastReadId: null, role: role === 'owner' ? 'member' : 'owner' },
    ],
    ...overrides,
  });

  async function render(value: Chat): Promise<void> {
    fixture = TestBed.createComponent(GroupPanel);
    fixture.componentRef.setInput('chat', value);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const buttons = () =>
    Array.from(element.querySelectorAll('button'), (b) => b.textContent?.trim() ?? '');

  beforeEach(() => {
    ctx = setUpChatTesting([ChatsStore, UnreadService, PresenceWatch]);
  });

  it('gives a member no Rename or Add people, only Leave', async () => {
    await render(group('member'));

    expect(buttons()).not.toContain('Rename');
    expect(buttons()).not.toContain('Add people');
    expect(buttons()).toContain('Leave…');
  });

  it('says clearly when the API refuses a change (forbidden), and keeps the form', async () => {
    await render(group('admin'));
    (element.querySelector('.rename-btn') as HTMLButtonElement).click();
    await fixture.whenStable();
    const box = element.querySelector<HTMLInputElement>('#group-title');
    if (!box) throw new Error('no title field');
    box.value = 'Renamed';
    element.querySelector('form')?.dispatchEvent(new Event('submit'));

    const request = ctx.http.expectOne(
      (r) => r.method === 'PATCH' && r.url === '/api/chats/g%3Ateam',
    );
    expect(request.request.body).toEqual({ title: 'Renamed' });
    request.flush(
      {
        statusCode: 403,
        error: 'forbidden',
        message: "Only the group's owner or admin may rename it",
      },
      { status: 403, statusText: 'Forbidden' },
    );
    await fixture.whenStable();

    expect(element.querySelector('[role="alert"]')?.textContent).toContain(
      "Not allowed: Only the group's owner or admin may rename it",
    );
    expect(element.querySelector('#group-title')).not.toBeNull();
  });

  it('looks up its own role when a large group does not list the user', async () => {
    const large = group('owner', {
      members: [{ ...BOB, lastReadId: null, role: 'admin' }],
      memberCount: 120,
      membersComplete: false,
    });
    await render(large);
    expect(buttons()).not.toContain('Add people');

    const lookup = ctx.http.expectOne(
      (r) => r.url === '/api/chats/g%3Ateam/members' && r.params.get('search') === ME.login,
    );
    lookup.flush({ members: [{ ...ME, lastReadId: null, role: 'owner' }], nextCursor: null });
    await fixture.whenStable();

    expect(buttons()).toContain('Add people');
    expect(element.textContent).toContain('you are the owner');
  });
});
