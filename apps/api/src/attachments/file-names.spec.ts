import { contentDisposition, safeFileName } from './file-names';

describe('file names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\report.pdf', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a\u0000b\r\nc.txt', 'abc.txt'],
    ['..', 'file'],
    ['   ', 'file'],
    ['.bashrc', 'bashrc'],
    ['Звіт за березень.pdf', 'Звіт за березень.pdf'],
  ])('%j is stored as %j', (raw, stored) => {
    expect(safeFileName(raw)).toBe(stored);
  });

  it('offers a Ukrainian name as UTF-8 filename* with an ASCII fallback', () => {
    expect(contentDisposition('attachment', 'Звіт "Q1".pdf')).toBe(
      `attachment; filename="_ _Q1_.pdf"; filename*=UTF-8''%D0%97%D0%B2%D1%96%D1%82%20%22Q1%22.pdf`,
    );
    expect(contentDisposition('attachment', 'звіт.pdf')).toBe(
      `attachment; filename="file.pdf"; filename*=UTF-8''%D0%B7%D0%B2%D1%96%D1%82.pdf`,
    );
  });
});
