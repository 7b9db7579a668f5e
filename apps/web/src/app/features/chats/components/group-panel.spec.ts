import type { ChatMember, ChatRole } from '@chat/shared-types';
import { canManage, rightsOver } from './group-panel';

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
