/** POST /api/chats: 201 Chat when created, 200 Chat when it was already there. */
export interface CreateChatRequest {
  peerId: string;
}

/** POST /api/chats/:id/read (204) and the `chat:read` socket event. */
export interface MarkReadRequest {
  upToId: string;
}
