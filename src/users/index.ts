export { UsersService, type SessionUser, type NewUser } from './users-service.js';
export { hashPassword, verifyPassword } from './password.js';
