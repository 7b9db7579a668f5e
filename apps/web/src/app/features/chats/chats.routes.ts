import { Route } from '@angular/router';

export const chatsRoutes: Route[] = [
  {
    path: '',
    pathMatch: 'full',
    loadComponent: () => import('./pages/no-chat-page').then((m) => m.NoChatPage),
  },
  {
    path: 'new',
    loadComponent: () => import('./pages/new-chat-page').then((m) => m.NewChatPage),
  },
  {
    path: 'new-group',
    loadComponent: () => import('./pages/new-group-page').then((m) => m.NewGroupPage),
  },
  {
    path: 'chats/:id',
    loadComponent: () => import('./pages/chat-view-page').then((m) => m.ChatViewPage),
  },
];
