import { isForbiddenAddress, isSameAddress, parseIpAddress } from './address-policy';

describe('isForbiddenAddress', () => {
  it.each([
    // Public IPv4, including the neighbours of forbidden ranges.
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['93.184.215.14'],
    ['9.255.255.255'],
    ['11.0.0.0'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['126.255.255.255'],
    ['128.0.0.0'],
    ['169.253.255.255'],
    ['169.255.0.0'],
    ['172.15.255.255'],
    ['172.32.0.0'],
    ['192.0.1.1'],
    ['192.0.3.0'],
    ['192.167.255.255'],
    ['192.169.0.0'],
    ['198.17.255.255'],
    ['198.20.0.0'],
    ['223.255.255.255'],
    // Public IPv6, in every spelling.
    ['2606:4700::1111'],
    ['2606:4700:0:0:0:0:0:1111'],
    ['2606:4700:0000:0000:0000:0000:0000:1111'],
    ['2001:4860:4860::8888'],
    ['2001:200::1'],
    ['2A00:1450:4001:80B::200E'],
    ['::ffff:8.8.8.8'],
    ['::ffff:808:808'],
    ['64:ff9b::8.8.8.8'],
    ['2002:808:808::1'],
    ['::8.8.8.8'],
    ['100:0:0:1::1'],
    ['fbff:ffff::1'],
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it.each([
    // IPv4 special-purpose ranges, at their edges.
    ['0.0.0.0'],
    ['0.255.255.255'],
    ['10.0.0.0'],
    ['10.255.255.255'],
    ['100.64.0.1'],
    ['100.127.255.255'],
    ['127.0.0.1'],
    ['127.255.255.254'],
    ['169.254.0.1'],
    ['169.254.169.254'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.0.0.8'],
    ['192.0.2.1'],
    ['192.88.99.1'],
    ['192.168.1.1'],
    ['198.18.0.1'],
    ['198.19.255.255'],
    ['198.51.100.7'],
    ['203.0.113.9'],
    ['224.0.0.1'],
    ['239.255.255.250'],
    ['240.0.0.1'],
    ['255.255.255.255'],
    // IPv6 special-purpose ranges.
    ['::'],
    ['::1'],
    ['0:0:0:0:0:0:0:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001'],
    ['100::1'],
    ['2001:db8::1'],
    ['2001::1'],
    ['2001:1ff:ffff::1'],
    ['fc00::1'],
    ['fd00:ec2::254'],
    ['FD00:EC2::254'],
    ['fe80::1'],
    ['febf:ffff::1'],
    ['fec0::1'],
    ['ff02::1'],
    ['64:ff9b:1::a00:1'],
    // IPv6 that embeds a forbidden IPv4 address.
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::FFFF:7F00:0001'],
    ['0:0:0:0:0:ffff:127.0.0.1'],
    ['::ffff:169.254.169.254'],
    ['::ffff:a9fe:a9fe'],
    ['::ffff:0:10.0.0.1'],
    ['::127.0.0.1'],
    ['::7f00:1'],
    ['::ffff:0.0.0.0'],
    ['64:ff9b::127.0.0.1'],
    ['64:ff9b::a9fe:a9fe'],
    ['2002:7f00:1::'],
    ['2002:a9fe:a9fe::1'],
    ['2002:c0a8:101::1'],
    // Zone ids, which only scoped addresses use.
    ['fe80::1%eth0'],
    ['fe80::1%1'],
    ['2606:4700::1111%eth0'],
    // Not an IP literal: fail closed.
    [''],
    ['localhost'],
    ['example.com'],
    ['2130706433'],
    ['0x7f.1'],
    ['0x7f000001'],
    ['127.1'],
    ['0177.0.0.1'],
    ['010.0.0.1'],
    ['127.0.0.1.'],
    [' 127.0.0.1'],
    ['256.1.1.1'],
    ['[::1]'],
    ['::1::'],
    ['1:2:3:4:5:6:7:8:9'],
    ['::ffff:127.0.0.256'],
    ['fe80::1%'],
  ])('forbids %p', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it('forbids values that are not strings', () => {
    expect(isForbiddenAddress(undefined as unknown as string)).toBe(true);
    expect(isForbiddenAddress(2130706433 as unknown as string)).toBe(true);
  });
});

describe('parseIpAddress', () => {
  it('expands every IPv6 spelling to the same 16 bytes', () => {
    const expected = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f, 0, 0, 1]);
    for (const spelling of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:0001', '0::FFFF:127.0.0.1']) {
      expect(parseIpAddress(spelling)).toEqual(expected);
    }
  });

  it('reads the deprecated IPv4-compatible form as RFC 4291 writes it, not as IPv4-mapped', () => {
    expect(parseIpAddress('::1.2.3.4')).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]));
    expect(isSameAddress('::1.2.3.4', '::102:304')).toBe(true);
    expect(isSameAddress('::1.2.3.4', '::ffff:1.2.3.4')).toBe(false);
  });

  it('reads IPv4 as 4 bytes', () => {
    expect(parseIpAddress('192.0.2.10')).toEqual(Uint8Array.from([192, 0, 2, 10]));
  });
});

describe('isSameAddress', () => {
  it('compares addresses, not spellings', () => {
    expect(isSameAddress('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(isSameAddress('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(isSameAddress('127.0.0.1', '::ffff:127.0.0.1')).toBe(false);
    expect(isSameAddress('127.0.0.1', 'localhost')).toBe(false);
  });
});
