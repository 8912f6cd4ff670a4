/**
 * Vocabulary, sentence banks and the seeded text writer used to produce the
 * bodies of the demo publications.
 *
 * All text here is synthetic demo content. Names of people are invented; the
 * institutions, offices and legal instruments are real names used only to
 * make the corpus look and search like the genuine collection.
 *
 * Two words are deliberately absent from every bank because tests look them
 * up: "kalibrasi" and "zamrudkatulistiwa". They are injected by `catalog.ts`
 * into exactly one record each; never add them here.
 *
 * The banks intentionally use one root in several Indonesian forms (mengelola,
 * dikelola, pengelolaan; melelang, dilelang, pelelangan) so that the search
 * index has something for its stemmer to do.
 */

import { Rng } from './random.ts';

export type TopicId =
	| 'bmn'
	| 'lelang'
	| 'piutang'
	| 'knd'
	| 'penilaian'
	| 'digital'
	| 'rb'
	| 'hukum'
	| 'keuangan'
	| 'infra';

/** One verb root in the forms the templates need. */
export interface Action {
	/** Indonesian meN- form or English base form: "memanfaatkan" / "manage". */
	active: string;
	/** Indonesian di- form or English past participle: "dimanfaatkan" / "managed". */
	passive: string;
	/** Nominalisation: "pemanfaatan" / "management". */
	noun: string;
	/** English -ing form; unused for Indonesian. */
	gerund?: string;
}

/** Topic vocabulary the templates are filled from (one per language). */
export interface Lexicon {
	/** Noun phrases the actions apply to. English ones are plural. */
	objects: readonly string[];
	actions: readonly Action[];
	/** Who does things. English ones are plural. */
	actors: readonly string[];
	goals: readonly string[];
	issues: readonly string[];
	tools: readonly string[];
	/** Hand-written topic sentences mixed in between template sentences. */
	facts: readonly string[];
}

const a = (active: string, passive: string, noun: string, gerund?: string): Action => ({
	active,
	passive,
	noun,
	gerund
});

// ---------------------------------------------------------------------------
// Shared reference lists
// ---------------------------------------------------------------------------

/** Invented people used as authors, interviewees and quoted officials. */
export const PEOPLE: readonly string[] = [
	'Rina Kusumawardani',
	'Bambang Setiadi',
	'Dewi Anggraeni',
	'Agus Prasetyo',
	'Hendra Wijaya',
	'Made Suarjana',
	'Yohanes Lumban Tobing',
	'Nur Aisyah Putri',
	'Teguh Santoso',
	'Fitri Handayani',
	'Rizal Fahmi',
	'Anak Agung Ayu Laksmi',
	'Ikhsan Maulana',
	'Sri Wahyuningsih',
	'Dedi Kurniawan',
	'Larasati Pramesti',
	'Muhammad Fauzan',
	'Wahyu Hidayat',
	'Oktaviani Simanjuntak',
	'Gregorius Manek',
	'Andi Tenri Ajeng',
	'Eko Budi Santoso',
	'Intan Permatasari',
	'Yudha Pratama',
	'Hanifah Zahra',
	'Robertus Sinaga',
	'Putu Eka Wirawan',
	'Lukman Hakim Siregar',
	'Kartika Sari Dewanti',
	'Yosephine Wattimena',
	'Fadli Ramadhan',
	'Maria Goreti Bria'
];

export const CITIES: readonly string[] = [
	'Medan',
	'Makassar',
	'Surabaya',
	'Balikpapan',
	'Kupang',
	'Jayapura',
	'Pontianak',
	'Denpasar',
	'Semarang',
	'Padang',
	'Manado',
	'Ambon',
	'Mataram',
	'Palembang',
	'Banjarmasin',
	'Yogyakarta',
	'Pekanbaru',
	'Bandung',
	'Malang',
	'Serang',
	'Bogor',
	'Sorong',
	'Banda Aceh',
	'Palu'
];

/** The seventeen regional offices (Kantor Wilayah) of DJKN. */
export const KANWIL: readonly string[] = [
	'Aceh',
	'Sumatera Utara',
	'Riau, Sumatera Barat, dan Kepulauan Riau',
	'Sumatera Selatan, Jambi, dan Bangka Belitung',
	'Lampung dan Bengkulu',
	'Banten',
	'DKI Jakarta',
	'Jawa Barat',
	'Jawa Tengah dan DI Yogyakarta',
	'Jawa Timur',
	'Kalimantan Barat',
	'Kalimantan Selatan dan Tengah',
	'Kalimantan Timur dan Utara',
	'Sulawesi Selatan, Tenggara, dan Barat',
	'Sulawesi Utara, Tengah, Gorontalo, dan Maluku Utara',
	'Bali dan Nusa Tenggara',
	'Papua, Papua Barat, dan Maluku'
];

/** Ministries/agencies with large asset books, for BMN tables. */
export const MINISTRIES: readonly string[] = [
	'Kementerian Pekerjaan Umum dan Perumahan Rakyat',
	'Kementerian Pertahanan',
	'Kepolisian Negara Republik Indonesia',
	'Kementerian Perhubungan',
	'Kementerian Agama',
	'Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi',
	'Kementerian Kesehatan',
	'Kementerian Keuangan',
	'Kementerian Sekretariat Negara',
	'Kementerian Hukum dan Hak Asasi Manusia',
	'Kementerian Pertanian',
	'Kementerian Kelautan dan Perikanan'
];

const KPKNL_ROLES: readonly string[] = [
	'Kepala KPKNL',
	'Kepala Seksi Pelayanan Lelang KPKNL',
	'Kepala Seksi Piutang Negara KPKNL',
	'Kepala Seksi Pengelolaan Kekayaan Negara KPKNL',
	'Kepala Seksi Penilaian KPKNL',
	'Pejabat Lelang Kelas I KPKNL',
	'Penilai Pemerintah pada KPKNL'
];

const KANWIL_ROLES: readonly string[] = [
	'Kepala Kantor Wilayah DJKN',
	'Kepala Bidang Kekayaan Negara Kanwil DJKN',
	'Kepala Bidang Lelang Kanwil DJKN',
	'Kepala Bidang Piutang Negara Kanwil DJKN'
];

export const MONTHS_ID: readonly string[] = [
	'Januari',
	'Februari',
	'Maret',
	'April',
	'Mei',
	'Juni',
	'Juli',
	'Agustus',
	'September',
	'Oktober',
	'November',
	'Desember'
];

const MONTHS_EN: readonly string[] = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

// ---------------------------------------------------------------------------
// Indonesian topic lexicons
// ---------------------------------------------------------------------------

export const TOPICS_ID: Readonly<Record<TopicId, Lexicon>> = {
	bmn: {
		objects: [
			'barang milik negara',
			'aset tanah dan bangunan',
			'gedung dan bangunan kantor',
			'kendaraan dinas operasional',
			'aset tetap kementerian/lembaga',
			'aset idle',
			'rumah negara',
			'peralatan dan mesin',
			'BMN berupa tanah',
			'aset bersejarah'
		],
		actions: [
			a('memanfaatkan', 'dimanfaatkan', 'pemanfaatan'),
			a('menatausahakan', 'ditatausahakan', 'penatausahaan'),
			a('menginventarisasi', 'diinventarisasi', 'inventarisasi'),
			a('memindahtangankan', 'dipindahtangankan', 'pemindahtanganan'),
			a('menghapuskan', 'dihapuskan', 'penghapusan'),
			a('mengamankan', 'diamankan', 'pengamanan'),
			a('memelihara', 'dipelihara', 'pemeliharaan'),
			a('mengelola', 'dikelola', 'pengelolaan'),
			a('menggunakan', 'digunakan', 'penggunaan'),
			a('merencanakan', 'direncanakan', 'perencanaan')
		],
		actors: [
			'pengguna barang',
			'kuasa pengguna barang',
			'pengelola barang',
			'satuan kerja',
			'kementerian/lembaga',
			'KPKNL',
			'Kanwil DJKN'
		],
		goals: [
			'tertib administrasi, tertib fisik, dan tertib hukum',
			'penerimaan negara bukan pajak yang optimal',
			'efisiensi belanja negara',
			'laporan keuangan pemerintah yang andal',
			'pemanfaatan aset yang produktif',
			'kepastian hukum atas aset negara',
			'pengelolaan aset negara yang akuntabel'
		],
		issues: [
			'data aset yang belum mutakhir',
			'tanah yang belum bersertifikat',
			'sengketa kepemilikan dengan pihak ketiga',
			'aset yang dikuasai pihak lain tanpa hak',
			'keterbatasan anggaran pemeliharaan',
			'perbedaan pencatatan antara SIMAK BMN dan SIMAN',
			'banyaknya aset idle yang belum diserahkan kepada pengelola barang'
		],
		tools: ['SIMAN', 'aplikasi SIMAK BMN', 'aplikasi SAKTI', 'dasbor aset nasional'],
		facts: [
			'Sertifikasi tanah menjadi prioritas karena tanah negara tanpa sertifikat rawan diklaim oleh pihak lain.',
			'Pengelola barang menetapkan status penggunaan BMN atas permohonan pengguna barang.',
			'Aset idle adalah BMN yang tidak digunakan untuk menyelenggarakan tugas dan fungsi pengguna barang.',
			'Sewa, pinjam pakai, kerja sama pemanfaatan, bangun guna serah, dan bangun serah guna merupakan bentuk pemanfaatan BMN yang dikenal dalam peraturan.',
			'Rencana kebutuhan BMN disusun dengan memperhatikan standar barang dan standar kebutuhan.',
			'Penilaian kembali BMN membuat nilai aset tetap pemerintah pusat dalam neraca meningkat secara signifikan.',
			'Setiap satuan kerja wajib melaksanakan rekonsiliasi data BMN secara berkala dengan KPKNL.',
			'Penghapusan BMN dilakukan setelah barang tersebut dipindahtangankan, dimusnahkan, atau karena sebab lain yang sah.',
			'Gedung kantor yang tidak lagi digunakan kini dapat dialihkan kepada instansi lain yang membutuhkan melalui mekanisme alih status penggunaan.',
			'Rumah negara golongan II dapat dialihkan kepada penghuninya setelah memenuhi persyaratan tertentu.'
		]
	},
	lelang: {
		objects: [
			'barang sitaan',
			'aset eks kepabeanan',
			'barang rampasan negara',
			'objek hak tanggungan',
			'kendaraan bermotor bekas dinas',
			'barang milik negara yang tidak digunakan',
			'barang jaminan debitur'
		],
		actions: [
			a('melelang', 'dilelang', 'pelelangan'),
			a('menjual', 'dijual', 'penjualan'),
			a('menawarkan', 'ditawarkan', 'penawaran'),
			a('memasarkan', 'dipasarkan', 'pemasaran'),
			a('mengeksekusi', 'dieksekusi', 'eksekusi'),
			a('mengumumkan', 'diumumkan', 'pengumuman')
		],
		actors: [
			'pejabat lelang',
			'balai lelang swasta',
			'penjual',
			'peserta lelang',
			'KPKNL',
			'pemandu lelang',
			'pemohon lelang'
		],
		goals: [
			'harga yang wajar dan transparan',
			'kepastian hukum bagi pembeli',
			'penerimaan negara dari bea lelang',
			'pemulihan kerugian negara',
			'pasar lelang yang inklusif',
			'kepercayaan masyarakat terhadap lelang'
		],
		issues: [
			'minimnya peserta lelang di daerah terpencil',
			'gugatan dari pihak termohon eksekusi',
			'objek lelang yang masih dikuasai pihak lain',
			'nilai limit yang tidak realistis',
			'anggapan sebagian masyarakat bahwa lelang itu rumit',
			'uang jaminan penawaran yang terlambat disetor'
		],
		tools: ['portal lelang.go.id', 'aplikasi Lelang Indonesia', 'sistem lelang melalui internet'],
		facts: [
			'Sejak lelang melalui internet diterapkan, peserta dapat menawar dari mana saja tanpa harus hadir di tempat pelaksanaan lelang.',
			'Setiap pelaksanaan lelang wajib didahului dengan pengumuman lelang sesuai ketentuan.',
			'Risalah lelang merupakan berita acara pelaksanaan lelang yang dibuat oleh pejabat lelang dan berkedudukan sebagai akta autentik.',
			'Penawaran lelang dapat dilakukan secara tertutup maupun terbuka melalui portal lelang.go.id.',
			'Peserta lelang wajib menyetorkan uang jaminan penawaran sebelum batas waktu yang ditentukan.',
			'Lelang noneksekusi sukarela memberi kesempatan bagi badan usaha dan perorangan untuk menjual barangnya secara terbuka.',
			'Bea lelang yang dipungut dari pembeli dan penjual disetorkan ke kas negara sebagai penerimaan negara bukan pajak.',
			'Nilai limit ditetapkan oleh penjual berdasarkan hasil penilaian oleh penilai atau penaksir.',
			'Dasar hukum lelang di Indonesia masih bersumber pada Vendu Reglement yang berlaku sejak tahun 1908.',
			'Pemenang lelang wajib melunasi harga lelang paling lambat lima hari kerja setelah pelaksanaan lelang.'
		]
	},
	piutang: {
		objects: [
			'piutang negara',
			'piutang macet',
			'berkas kasus piutang negara',
			'piutang instansi pemerintah',
			'tunggakan penanggung utang',
			'piutang eks bank dalam likuidasi',
			'hak tagih negara'
		],
		actions: [
			a('menagih', 'ditagih', 'penagihan'),
			a('menyelesaikan', 'diselesaikan', 'penyelesaian'),
			a('mengurus', 'diurus', 'pengurusan'),
			a('menyerahkan', 'diserahkan', 'penyerahan'),
			a('merestrukturisasi', 'direstrukturisasi', 'restrukturisasi'),
			a('memulihkan', 'dipulihkan', 'pemulihan')
		],
		actors: [
			'Panitia Urusan Piutang Negara',
			'PUPN Cabang',
			'instansi penyerah piutang',
			'juru sita piutang negara',
			'KPKNL',
			'Kanwil DJKN'
		],
		goals: [
			'pengembalian hak negara',
			'kepastian penyelesaian piutang',
			'pemulihan keuangan negara',
			'berkurangnya saldo piutang macet',
			'keadilan bagi penanggung utang yang beritikad baik'
		],
		issues: [
			'alamat penanggung utang yang tidak diketahui',
			'barang jaminan yang nilainya jauh di bawah jumlah utang',
			'dokumen piutang yang tidak lengkap',
			'penanggung utang yang telah meninggal dunia tanpa ahli waris yang jelas',
			'barang jaminan yang sudah beralih kepada pihak ketiga'
		],
		tools: ['aplikasi Focus', 'sistem informasi piutang negara', 'basis data penanggung utang'],
		facts: [
			'Pengurusan piutang negara dilakukan oleh Panitia Urusan Piutang Negara berdasarkan Undang-Undang Nomor 49 Prp. Tahun 1960.',
			'Piutang yang diserahkan kepada PUPN harus memiliki dasar hukum yang jelas mengenai adanya dan besarnya piutang.',
			'Program keringanan utang memberikan kesempatan bagi debitur kecil untuk melunasi kewajibannya dengan potongan tertentu.',
			'Surat Paksa diterbitkan apabila penanggung utang tidak memenuhi kewajibannya setelah Pernyataan Bersama atau Penetapan Jumlah Piutang Negara diterbitkan.',
			'Penyitaan barang jaminan dilakukan oleh juru sita piutang negara dan dituangkan dalam berita acara penyitaan.',
			'Piutang yang telah dinyatakan sementara belum dapat ditagih tetap dapat ditagih kembali apabila penanggung utang diketahui memiliki kemampuan membayar.',
			'Pencegahan bepergian ke luar negeri dapat dikenakan kepada penanggung utang dengan nilai utang tertentu yang tidak beritikad baik.',
			'Penyelesaian piutang melalui lelang barang jaminan menjadi pilihan terakhir setelah upaya persuasif tidak berhasil.'
		]
	},
	knd: {
		objects: [
			'kekayaan negara dipisahkan',
			'penyertaan modal negara',
			'investasi pemerintah',
			'saham milik negara pada BUMN',
			'dividen BUMN',
			'portofolio BUMN'
		],
		actions: [
			a('mengelola', 'dikelola', 'pengelolaan'),
			a('memantau', 'dipantau', 'pemantauan'),
			a('mengevaluasi', 'dievaluasi', 'evaluasi'),
			a('menganalisis', 'dianalisis', 'analisis'),
			a('mengawasi', 'diawasi', 'pengawasan'),
			a('menatausahakan', 'ditatausahakan', 'penatausahaan')
		],
		actors: [
			'Direktorat Kekayaan Negara Dipisahkan',
			'Kementerian BUMN',
			'lembaga pengelola investasi',
			'direksi BUMN',
			'pemegang saham'
		],
		goals: [
			'tata kelola perusahaan yang baik',
			'kontribusi dividen bagi APBN',
			'nilai tambah bagi perekonomian nasional',
			'penguatan struktur permodalan BUMN',
			'investasi pemerintah yang berkelanjutan'
		],
		issues: [
			'kinerja keuangan BUMN yang fluktuatif',
			'ketergantungan pada penyertaan modal negara',
			'penugasan pemerintah yang membebani arus kas perusahaan',
			'keterbatasan data kinerja anak perusahaan'
		],
		tools: ['portal data BUMN', 'sistem pemantauan investasi pemerintah', 'dasbor kinerja BUMN'],
		facts: [
			'Penyertaan modal negara pada BUMN ditetapkan dengan peraturan pemerintah.',
			'Kekayaan negara dipisahkan berasal dari APBN untuk dijadikan penyertaan modal negara pada BUMN atau badan hukum lainnya.',
			'Analisis atas usulan penyertaan modal negara mempertimbangkan kelayakan bisnis dan manfaat ekonomi bagi masyarakat.',
			'Pemerintah memperoleh dividen dari BUMN sebagai bagian dari penerimaan negara bukan pajak.',
			'Pembentukan induk usaha BUMN diharapkan meningkatkan efisiensi dan daya saing perusahaan negara.',
			'Rapat umum pemegang saham menjadi forum bagi pemerintah untuk menyampaikan arahan kepada direksi BUMN.'
		]
	},
	penilaian: {
		objects: [
			'aset negara',
			'properti komersial',
			'tanah dan bangunan',
			'sumber daya alam',
			'aset tak berwujud',
			'objek lelang',
			'barang jaminan'
		],
		actions: [
			a('menilai', 'dinilai', 'penilaian'),
			a('menaksir', 'ditaksir', 'penaksiran'),
			a('memverifikasi', 'diverifikasi', 'verifikasi'),
			a('menganalisis', 'dianalisis', 'analisis'),
			a('menginspeksi', 'diinspeksi', 'inspeksi'),
			a('mengukur', 'diukur', 'pengukuran')
		],
		actors: [
			'penilai pemerintah',
			'penilai publik',
			'tim penilai',
			'Direktorat Penilaian',
			'pemohon penilaian'
		],
		goals: [
			'nilai wajar yang dapat dipertanggungjawabkan',
			'keputusan pengelolaan aset yang tepat',
			'kualitas laporan penilaian',
			'kredibilitas profesi penilai'
		],
		issues: [
			'keterbatasan data pembanding di daerah',
			'akses lokasi objek yang sulit',
			'perbedaan pendekatan antarpenilai',
			'jumlah penilai yang belum sebanding dengan beban kerja'
		],
		tools: ['aplikasi penilaian terpadu', 'bank data pembanding properti', 'peta zona nilai tanah'],
		facts: [
			'Pendekatan pasar, pendekatan pendapatan, dan pendekatan biaya merupakan tiga pendekatan utama dalam penilaian.',
			'Penilai pemerintah melaksanakan penilaian berdasarkan Standar Penilaian Indonesia dan ketentuan internal DJKN.',
			'Laporan penilaian memuat nilai wajar beserta asumsi dan kondisi pembatas yang digunakan.',
			'Penilaian sumber daya alam bertujuan mengetahui potensi ekonomi kekayaan negara yang belum tercatat.',
			'Survei lapangan dilakukan untuk memastikan kondisi fisik objek penilaian sesuai dengan dokumen.',
			'Nilai wajar bukanlah angka pasti, melainkan estimasi terbaik pada tanggal penilaian tertentu.'
		]
	},
	digital: {
		objects: [
			'data aset',
			'layanan kekayaan negara',
			'aplikasi SIMAN',
			'basis data BMN',
			'proses bisnis layanan',
			'dokumen elektronik'
		],
		actions: [
			a('mendigitalisasi', 'didigitalisasi', 'digitalisasi'),
			a('mengintegrasikan', 'diintegrasikan', 'integrasi'),
			a('memutakhirkan', 'dimutakhirkan', 'pemutakhiran'),
			a('mengembangkan', 'dikembangkan', 'pengembangan'),
			a('membangun', 'dibangun', 'pembangunan'),
			a('mengotomatisasi', 'diotomatisasi', 'otomatisasi')
		],
		actors: [
			'tim pengembang aplikasi',
			'operator satuan kerja',
			'unit pengelola teknologi informasi',
			'pengguna layanan',
			'Pusat Sistem Informasi dan Teknologi Keuangan'
		],
		goals: [
			'data yang akurat dan mutakhir',
			'layanan yang cepat dan mudah diakses',
			'pengambilan keputusan berbasis data',
			'integrasi data antarinstansi'
		],
		issues: [
			'jaringan internet yang belum stabil di beberapa daerah',
			'kemampuan operator yang beragam',
			'data ganda pada basis data',
			'ancaman terhadap keamanan informasi'
		],
		tools: [
			'SIMAN',
			'aplikasi Lelang Indonesia',
			'layanan persetujuan elektronik',
			'dasbor aset nasional'
		],
		facts: [
			'SIMAN (Sistem Informasi Manajemen Aset Negara) menjadi pusat data pengelolaan BMN yang terhubung dengan berbagai sistem lain.',
			'Fitur penandaan geografis memungkinkan lokasi setiap bidang tanah negara dipetakan secara presisi.',
			'Layanan persetujuan pengelolaan BMN kini dapat diajukan secara elektronik tanpa harus datang ke kantor.',
			'Dasbor aset menyajikan informasi ringkas yang membantu pimpinan mengambil keputusan.',
			'Tanda tangan elektronik tersertifikasi membuat surat persetujuan dapat diterbitkan dalam hitungan jam.'
		]
	},
	rb: {
		objects: [
			'budaya kerja',
			'kompetensi pegawai',
			'zona integritas',
			'sistem manajemen kinerja',
			'tata kelola organisasi',
			'kualitas pelayanan unit vertikal'
		],
		actions: [
			a('membangun', 'dibangun', 'pembangunan'),
			a('memperkuat', 'diperkuat', 'penguatan'),
			a('mengembangkan', 'dikembangkan', 'pengembangan'),
			a('menerapkan', 'diterapkan', 'penerapan'),
			a('mengevaluasi', 'dievaluasi', 'evaluasi'),
			a('memperbaiki', 'diperbaiki', 'perbaikan')
		],
		actors: [
			'pimpinan unit',
			'agen perubahan',
			'seluruh pegawai',
			'tim reformasi birokrasi',
			'Sekretariat Direktorat Jenderal'
		],
		goals: [
			'predikat Wilayah Bebas dari Korupsi',
			'predikat Wilayah Birokrasi Bersih dan Melayani',
			'organisasi yang adaptif dan berintegritas',
			'pegawai yang profesional dan melayani'
		],
		issues: [
			'resistensi terhadap perubahan',
			'beban kerja yang tidak merata',
			'keterbatasan formasi pegawai',
			'pola pikir lama yang masih bertahan'
		],
		tools: [
			'aplikasi manajemen kinerja',
			'platform pembelajaran daring',
			'survei kepuasan pengguna layanan'
		],
		facts: [
			'Nilai-nilai Kementerian Keuangan, yaitu Integritas, Profesionalisme, Sinergi, Pelayanan, dan Kesempurnaan, menjadi pedoman perilaku seluruh pegawai.',
			'Pembangunan zona integritas dimulai dari komitmen pimpinan dan diikuti perubahan pola pikir pegawai.',
			'Survei kepuasan pengguna layanan dilakukan secara berkala untuk mengukur kualitas pelayanan.',
			'Pengembangan kompetensi dilakukan melalui pelatihan, magang, dan program pembelajaran mandiri.',
			'Penataan jabatan fungsional memberi ruang karier yang lebih jelas bagi pelelang dan penilai pemerintah.'
		]
	},
	hukum: {
		objects: [
			'rancangan peraturan',
			'peraturan teknis',
			'kebijakan pengelolaan kekayaan negara',
			'dokumen kepemilikan aset negara',
			'perjanjian kerja sama pemanfaatan'
		],
		actions: [
			a('menyusun', 'disusun', 'penyusunan'),
			a('mengharmonisasikan', 'diharmonisasikan', 'harmonisasi'),
			a('mengkaji', 'dikaji', 'pengkajian'),
			a('menyosialisasikan', 'disosialisasikan', 'sosialisasi'),
			a('menyederhanakan', 'disederhanakan', 'penyederhanaan')
		],
		actors: [
			'Direktorat Hukum dan Hubungan Masyarakat',
			'biro hukum kementerian/lembaga',
			'tim penyusun regulasi',
			'Kementerian Hukum dan Hak Asasi Manusia',
			'Kanwil DJKN'
		],
		goals: [
			'regulasi yang sederhana dan mudah dipahami',
			'kepastian hukum bagi para pihak',
			'perlindungan hukum bagi pegawai',
			'penurunan jumlah perkara gugatan'
		],
		issues: [
			'tumpang tindih pengaturan',
			'perubahan undang-undang di tingkat yang lebih tinggi',
			'tingginya jumlah gugatan terhadap pelaksanaan lelang',
			'perbedaan penafsiran ketentuan di lapangan'
		],
		tools: [
			'basis data peraturan JDIH',
			'aplikasi penanganan perkara',
			'forum konsultasi hukum daring'
		],
		facts: [
			'Penanganan perkara dilakukan bersama Jaksa Pengacara Negara apabila diperlukan.',
			'Setiap rancangan peraturan menteri wajib melalui proses harmonisasi sebelum ditetapkan.',
			'Bantuan hukum diberikan kepada pegawai yang menghadapi gugatan terkait pelaksanaan tugas kedinasan.',
			'Putusan pengadilan yang telah berkekuatan hukum tetap menjadi dasar untuk melanjutkan proses pengelolaan aset.',
			'Penyederhanaan regulasi dilakukan dengan menggabungkan beberapa peraturan yang mengatur hal serupa.'
		]
	},
	keuangan: {
		objects: [
			'laporan keuangan pemerintah pusat',
			'neraca pemerintah',
			'nilai aset tetap',
			'catatan atas laporan keuangan',
			'laporan barang milik negara'
		],
		actions: [
			a('menyusun', 'disusun', 'penyusunan'),
			a('menyajikan', 'disajikan', 'penyajian'),
			a('merekonsiliasi', 'direkonsiliasi', 'rekonsiliasi'),
			a('memeriksa', 'diperiksa', 'pemeriksaan'),
			a('mengungkapkan', 'diungkapkan', 'pengungkapan'),
			a('melaporkan', 'dilaporkan', 'pelaporan')
		],
		actors: [
			'Badan Pemeriksa Keuangan',
			'Direktorat Jenderal Perbendaharaan',
			'unit akuntansi kuasa pengguna barang',
			'pengguna anggaran',
			'pengelola barang'
		],
		goals: [
			'opini Wajar Tanpa Pengecualian',
			'akuntabilitas pengelolaan keuangan negara',
			'APBN yang sehat dan berkelanjutan',
			'informasi keuangan yang relevan dan andal'
		],
		issues: [
			'koreksi nilai aset akibat kesalahan pencatatan',
			'keterlambatan penyampaian laporan',
			'perbedaan data antarsistem',
			'aset tetap yang belum disusutkan dengan benar'
		],
		tools: ['aplikasi SAKTI', 'aplikasi SIMAK BMN', 'sistem akuntansi instansi'],
		facts: [
			'Nilai BMN yang disajikan dalam neraca merupakan bagian terbesar dari aset pemerintah pusat.',
			'Penyusutan aset tetap dilakukan dengan metode garis lurus sesuai Standar Akuntansi Pemerintahan.',
			'Rekonsiliasi data BMN antara pengguna barang dan pengelola barang dilakukan setiap semester.',
			'Laporan Barang Milik Negara disusun sebagai bahan penyusunan neraca dalam Laporan Keuangan Pemerintah Pusat.',
			'Temuan pemeriksaan atas aset tetap menjadi perhatian utama dalam rencana aksi perbaikan laporan keuangan.'
		]
	},
	infra: {
		objects: [
			'aset infrastruktur',
			'bendungan dan jalan tol',
			'kawasan perkantoran terpadu',
			'aset properti negara',
			'aset di Ibu Kota Nusantara',
			'lahan proyek strategis nasional'
		],
		actions: [
			a('membangun', 'dibangun', 'pembangunan'),
			a('mengoptimalkan', 'dioptimalkan', 'optimalisasi'),
			a('merevitalisasi', 'direvitalisasi', 'revitalisasi'),
			a('mengembangkan', 'dikembangkan', 'pengembangan'),
			a('memanfaatkan', 'dimanfaatkan', 'pemanfaatan'),
			a('membiayai', 'dibiayai', 'pembiayaan')
		],
		actors: [
			'Lembaga Manajemen Aset Negara',
			'badan usaha mitra',
			'pemerintah daerah',
			'Kementerian Pekerjaan Umum dan Perumahan Rakyat',
			'Otorita Ibu Kota Nusantara'
		],
		goals: [
			'pemulihan ekonomi nasional',
			'nilai ekonomi aset yang berkelanjutan',
			'pendanaan infrastruktur yang kreatif',
			'pemerataan pembangunan antarwilayah'
		],
		issues: [
			'biaya pemeliharaan yang tinggi',
			'lahan yang belum bebas dari permasalahan sosial',
			'skema kerja sama yang rumit',
			'keterbatasan minat investor di luar Jawa'
		],
		tools: ['peta digital aset infrastruktur', 'SIMAN', 'sistem informasi pengadaan tanah'],
		facts: [
			'Skema kerja sama pemanfaatan infrastruktur membuka peluang pendanaan di luar APBN.',
			'Lembaga Manajemen Aset Negara mengelola aset properti dan mendanai pengadaan tanah untuk proyek strategis nasional.',
			'Daur ulang aset memungkinkan pemerintah memperoleh dana segar dari infrastruktur yang telah beroperasi untuk membangun infrastruktur baru.',
			'Pemindahan ibu kota negara menuntut perencanaan aset yang matang sejak tahap awal.',
			'Gedung perkantoran yang direvitalisasi dapat disewakan sebagian kepada pihak swasta.'
		]
	}
};

// ---------------------------------------------------------------------------
// English topic lexicons (only the topics English publications draw on)
// ---------------------------------------------------------------------------

export const TOPICS_EN: Readonly<Partial<Record<TopicId, Lexicon>>> = {
	bmn: {
		objects: [
			'state assets',
			'government land and buildings',
			'office buildings',
			'official vehicles',
			'idle assets',
			'state houses',
			'fixed assets of line ministries'
		],
		actions: [
			a('manage', 'managed', 'management', 'managing'),
			a('utilize', 'utilized', 'utilization', 'utilizing'),
			a('record', 'recorded', 'recording', 'recording'),
			a('transfer', 'transferred', 'transfer', 'transferring'),
			a('secure', 'secured', 'securing', 'securing'),
			a('maintain', 'maintained', 'maintenance', 'maintaining'),
			a('inventory', 'inventoried', 'inventory', 'inventorying')
		],
		actors: [
			'asset users',
			'spending units',
			'line ministries',
			'regional offices',
			'asset managers'
		],
		goals: [
			'orderly administration and legal certainty',
			'higher non-tax state revenue',
			'more efficient public spending',
			'reliable government financial statements',
			'productive use of public property'
		],
		issues: [
			'outdated asset records',
			'land without ownership certificates',
			'disputes with third parties',
			'assets occupied by others without legal rights',
			'limited maintenance budgets'
		],
		tools: ['SIMAN', 'the national asset dashboard', 'the SIMAK BMN application'],
		facts: [
			'In Indonesia, the Minister of Finance acts as the property manager for all state assets, while ministers and agency heads act as asset users.',
			'Land certification has become a priority because uncertified land is vulnerable to claims by other parties.',
			'Idle assets are state assets that are not used to carry out the duties and functions of their users.',
			'Leasing, lending, utilization partnerships, build-operate-transfer and build-transfer-operate are the main utilization schemes.',
			'The nationwide revaluation of 2017 and 2018 substantially increased the reported value of government fixed assets.'
		]
	},
	lelang: {
		objects: [
			'seized goods',
			'confiscated assets',
			'mortgaged properties',
			'used government vehicles',
			'unused state assets',
			'collateral items'
		],
		actions: [
			a('auction', 'auctioned', 'auctioning', 'auctioning'),
			a('sell', 'sold', 'sale', 'selling'),
			a('offer', 'offered', 'offering', 'offering'),
			a('advertise', 'advertised', 'advertising', 'advertising'),
			a('list', 'listed', 'listing', 'listing')
		],
		actors: [
			'auction officials',
			'private auction houses',
			'sellers',
			'bidders',
			'state asset and auction offices'
		],
		goals: [
			'fair and transparent prices',
			'legal certainty for buyers',
			'revenue from auction duties',
			'the recovery of state losses',
			'an inclusive auction market'
		],
		issues: [
			'the small number of bidders in remote areas',
			'lawsuits filed by debtors',
			'objects still occupied by former owners',
			'unrealistic reserve prices',
			'the perception that auctions are complicated'
		],
		tools: ['the lelang.go.id portal', 'the national e-auction system', 'closed online bidding'],
		facts: [
			'Every public auction in Indonesia must be preceded by an auction announcement.',
			'The auction minutes, drawn up by the auction official, have the status of an authentic deed.',
			'Since internet auctions were introduced, bidders can take part from anywhere without attending in person.',
			'Reserve prices are set by the seller on the basis of a valuation by a valuer or an appraiser.',
			'The legal basis of public auctions still rests on the Vendu Reglement, first enacted in 1908.'
		]
	},
	penilaian: {
		objects: [
			'public assets',
			'commercial properties',
			'land parcels',
			'natural resources',
			'intangible assets',
			'infrastructure assets'
		],
		actions: [
			a('value', 'valued', 'valuation', 'valuing'),
			a('appraise', 'appraised', 'appraisal', 'appraising'),
			a('inspect', 'inspected', 'inspection', 'inspecting'),
			a('verify', 'verified', 'verification', 'verifying'),
			a('analyse', 'analysed', 'analysis', 'analysing')
		],
		actors: ['government valuers', 'public valuers', 'valuation teams', 'requesting agencies'],
		goals: [
			'defensible estimates of fair value',
			'sound asset management decisions',
			'high-quality valuation reports',
			'the credibility of the valuation profession'
		],
		issues: [
			'scarce comparable data in the regions',
			'difficult access to remote sites',
			'inconsistent approaches between valuers',
			'too few valuers for the workload'
		],
		tools: [
			'a shared database of comparable sales',
			'land value zone maps',
			'the valuation workflow system'
		],
		facts: [
			'The market, income and cost approaches are the three principal approaches to valuation.',
			'Government valuers follow the Indonesian Valuation Standards as well as internal DJKN guidelines.',
			'A valuation report states the opinion of value together with its assumptions and limiting conditions.',
			'Fair value is not a certainty but a best estimate at a specific valuation date.'
		]
	},
	digital: {
		objects: [
			'asset data',
			'public services',
			'business processes',
			'electronic documents',
			'asset registers'
		],
		actions: [
			a('digitize', 'digitized', 'digitization', 'digitizing'),
			a('integrate', 'integrated', 'integration', 'integrating'),
			a('update', 'updated', 'updating', 'updating'),
			a('develop', 'developed', 'development', 'developing'),
			a('automate', 'automated', 'automation', 'automating')
		],
		actors: ['development teams', 'data operators', 'service users', 'IT units'],
		goals: [
			'accurate and up-to-date data',
			'fast and accessible services',
			'data-driven decision making',
			'interoperability between agencies'
		],
		issues: [
			'unstable internet connections in some regions',
			'uneven operator skills',
			'duplicate records',
			'information security threats'
		],
		tools: ['SIMAN', 'the electronic approval service', 'the national asset dashboard'],
		facts: [
			'SIMAN, the State Asset Management Information System, is the central register for state assets.',
			'Geotagging allows every parcel of state land to be mapped precisely.',
			'Certified electronic signatures allow approvals to be issued within hours rather than weeks.'
		]
	},
	knd: {
		objects: [
			'state equity participations',
			'state-owned enterprises',
			'government investments',
			'dividends from state-owned enterprises',
			'separated state wealth'
		],
		actions: [
			a('monitor', 'monitored', 'monitoring', 'monitoring'),
			a('evaluate', 'evaluated', 'evaluation', 'evaluating'),
			a('govern', 'governed', 'governance', 'governing'),
			a('analyse', 'analysed', 'analysis', 'analysing')
		],
		actors: [
			'shareholder representatives',
			'boards of directors',
			'finance ministry analysts',
			'sovereign investment bodies'
		],
		goals: [
			'good corporate governance',
			'a steady dividend contribution to the budget',
			'added value for the national economy',
			'stronger capital structures'
		],
		issues: [
			'volatile financial performance',
			'dependence on repeated capital injections',
			'public service obligations that strain cash flow'
		],
		tools: ['the enterprise performance dashboard', 'the government investment monitoring system'],
		facts: [
			'State equity participation in a state-owned enterprise is established by government regulation.',
			'Dividends from state-owned enterprises are recorded as non-tax state revenue.',
			'Holding company structures were introduced to improve efficiency and competitiveness.'
		]
	},
	piutang: {
		objects: [
			'state receivables',
			'non-performing debts',
			'debt case files',
			'claims of government agencies'
		],
		actions: [
			a('collect', 'collected', 'collection', 'collecting'),
			a('settle', 'settled', 'settlement', 'settling'),
			a('restructure', 'restructured', 'restructuring', 'restructuring'),
			a('recover', 'recovered', 'recovery', 'recovering')
		],
		actors: [
			'the State Receivables Committee',
			'bailiffs',
			'creditor agencies',
			'regional offices'
		],
		goals: [
			'the recovery of state rights',
			'legal certainty in debt settlement',
			'lower balances of bad debt'
		],
		issues: [
			'debtors whose addresses are unknown',
			'collateral worth far less than the debt',
			'incomplete loan documents'
		],
		tools: ['the receivables information system', 'the debtor database'],
		facts: [
			'The State Receivables Committee (PUPN) derives its authority from Law Number 49 Prp of 1960.',
			'Collateral is auctioned only after persuasive collection efforts have failed.'
		]
	}
};

// ---------------------------------------------------------------------------
// Sentence templates
// ---------------------------------------------------------------------------
//
// Placeholders: {obj} {obj2} {act} {pas} {nom} {ger} {actor} {actor2} {goal}
// {goal2} {issue} {tool} {office} {city} {person} {role} {year} {pyear} {month}
// {pct} {amount} {count} {smallcount} {score} {days1} {days2}.
// A capitalised placeholder ({Nom}, {Obj}, ...) capitalises the first letter.
// Within one sentence {act}/{pas}/{nom}/{ger} share one verb root, which is
// what puts "pemanfaatan ... dimanfaatkan" side by side.

export const TEMPLATES_ID: readonly string[] = [
	'{Nom} {obj} merupakan bagian penting dari upaya pemerintah untuk mewujudkan {goal}.',
	'Pada tahun {year}, {office} berhasil {act} {obj} dengan nilai mencapai {amount}.',
	'{Obj} yang {pas} secara optimal diharapkan mampu mendukung {goal}.',
	'Namun demikian, {nom} {obj} masih menghadapi sejumlah kendala, antara lain {issue}.',
	'Untuk mengatasi hal tersebut, {actor} perlu {act} {obj} secara lebih tertib dan akuntabel.',
	'Menurut {person}, keberhasilan {nom} {obj} tidak dapat dilepaskan dari komitmen seluruh pegawai untuk terus berinovasi.',
	'Data menunjukkan bahwa capaian {nom} {obj} meningkat sebesar {pct} persen dibandingkan tahun sebelumnya.',
	'Dalam praktiknya, {actor} wajib memastikan bahwa setiap {obj} telah {pas} sesuai dengan ketentuan yang berlaku.',
	'Koordinasi antara {actor} dan {actor2} menjadi kunci keberhasilan {nom} di daerah.',
	'Melalui {tool}, proses {nom} kini dapat dipantau secara waktu nyata oleh para pemangku kepentingan.',
	'Sepanjang tahun {year}, tercatat {count} permohonan {nom} yang telah diselesaikan oleh {office}.',
	'Tantangan terbesar yang dihadapi di lapangan adalah {issue}.',
	'Oleh karena itu, strategi {nom} disusun dengan mempertimbangkan karakteristik wilayah dan kebutuhan masyarakat.',
	'Tidak sedikit {obj} yang belum {pas} karena {issue}.',
	'Di {city}, {office} menggandeng pemerintah daerah untuk {act} {obj} secara bersama-sama.',
	'Upaya {nom} {obj} juga sejalan dengan agenda reformasi birokrasi yang dicanangkan Kementerian Keuangan.',
	'Ke depan, {actor} diharapkan dapat {act} {obj} dengan memanfaatkan teknologi informasi.',
	'Hasil evaluasi pada bulan {month} {year} menunjukkan bahwa {nom} {obj} telah berjalan sesuai rencana.',
	'Selain itu, {actor} juga mendorong agar {obj} {pas} dengan memperhatikan prinsip kehati-hatian.',
	'Kebijakan ini lahir dari kesadaran bahwa {obj} menyimpan potensi ekonomi yang sangat besar.',
	'Dengan demikian, {nom} {obj} tidak lagi dipandang sebagai beban administrasi, melainkan sebagai peluang untuk menciptakan nilai tambah.',
	'Sebagai gambaran, nilai {obj} yang {pas} pada semester pertama {year} mencapai {amount}.',
	'"Kami ingin setiap {obj} benar-benar memberi manfaat bagi negara," ujar {person}.',
	'"{Nom} bukan pekerjaan satu unit saja, melainkan kerja bersama," kata {person}, {role}.',
	'Pengalaman {office} menunjukkan bahwa pendekatan persuasif sering kali lebih efektif daripada pendekatan yang semata-mata bersifat administratif.',
	'Langkah tersebut sekaligus menjawab rekomendasi Badan Pemeriksa Keuangan terkait {nom} {obj}.',
	'Pegawai {office} secara rutin turun ke lapangan untuk memastikan {obj} {pas} dengan benar.',
	'Sosialisasi kepada {actor} dilakukan secara berkelanjutan agar pemahaman mengenai {nom} {obj} semakin merata.',
	'Dari sisi regulasi, {nom} {obj} telah memiliki landasan hukum yang cukup kuat.',
	'Meski demikian, masih terdapat ruang perbaikan, terutama dalam hal {issue}.',
	'Angka tersebut setara dengan {pct} persen dari target yang ditetapkan dalam rencana strategis.',
	'Unit yang berhasil {act} {obj} dengan baik akan memperoleh penghargaan dari Direktur Jenderal Kekayaan Negara.',
	'Perubahan ini membawa dampak nyata bagi {actor}, yang kini dapat {act} {obj} dengan lebih cepat.',
	'Program ini dirancang untuk mewujudkan {goal} sekaligus mendorong {goal2}.',
	'Salah satu terobosan yang diperkenalkan adalah {nom} {obj} berbasis elektronik.',
	'Pada akhirnya, ukuran keberhasilan {nom} adalah terwujudnya {goal}.',
	'Berbagai pihak menilai bahwa langkah {office} dalam {nom} {obj} patut dijadikan contoh bagi unit lain.',
	'Dalam rapat koordinasi di {city}, {actor} dan {actor2} sepakat untuk mempercepat {nom} {obj}.',
	'Sebelum {pas}, setiap {obj} terlebih dahulu diteliti kelengkapan dokumennya.',
	'Jika tidak ditangani dengan baik, persoalan {issue} berpotensi menimbulkan kerugian negara.',
	'Sejak {pyear}, jumlah {obj} yang {pas} terus menunjukkan tren meningkat.',
	'Hal ini tercermin dari meningkatnya indeks kepuasan pengguna layanan menjadi {score} pada skala lima.',
	'Ia menambahkan bahwa {nom} {obj} harus dilakukan secara transparan agar dapat dipertanggungjawabkan kepada publik.',
	'Pimpinan {office} meminta seluruh seksi untuk {act} {obj} sebelum akhir tahun anggaran.',
	'Dengan dukungan {tool}, waktu penyelesaian layanan dapat dipangkas dari {days1} hari menjadi {days2} hari kerja.',
	'Inovasi tersebut lahir dari diskusi kelompok kecil yang digagas para pegawai muda di {office}.',
	'Capaian ini tentu tidak datang secara tiba-tiba, melainkan hasil kerja keras selama bertahun-tahun.',
	'Masyarakat pun kini semakin mudah memperoleh informasi mengenai {nom} {obj}.',
	'Dalam jangka menengah, {nom} {obj} diarahkan untuk mendukung {goal}.',
	'Para pemangku kepentingan berharap agar {obj} yang telah {pas} dapat memberi manfaat sebesar-besarnya bagi masyarakat.',
	'Tidak hanya itu, {actor} juga aktif {act} {obj} bersama {actor2}.',
	'Keterlibatan {actor2} terbukti mempercepat proses {nom} di tingkat pelaksana.',
	'Berdasarkan catatan {office}, nilai {obj} yang berhasil {pas} hingga bulan {month} {year} mencapai {amount}.',
	'Kajian internal merekomendasikan agar {nom} {obj} dilakukan secara bertahap dengan prioritas pada wilayah yang memiliki potensi terbesar.',
	'Pendekatan ini memungkinkan {actor} untuk {act} {obj} tanpa mengabaikan aspek kepatuhan.',
	'Sementara itu, di {city}, pelaksanaan {nom} {obj} mendapat sambutan positif dari masyarakat.',
	'Semua langkah tersebut bermuara pada satu tujuan, yaitu {goal}.',
	'Pengelolaan yang baik dimulai dari data yang akurat; karena itu, {obj} harus {pas} secara berkala.',
	'Jumlah pegawai yang terlibat dalam {nom} {obj} di {office} mencapai {smallcount} orang.',
	'Walaupun anggaran terbatas, {office} tetap mampu {act} {obj} melampaui target.',
	'Bagi {actor}, {nom} {obj} adalah pekerjaan rutin yang menuntut ketelitian tinggi.',
	'Tidak jarang petugas harus menempuh perjalanan darat dan laut selama berjam-jam untuk mencapai lokasi.',
	'Keberhasilan ini diharapkan menular ke unit lain di lingkungan {office2}.',
	'Menurut catatan redaksi, isu {nom} {obj} menjadi salah satu topik yang paling banyak ditanyakan pembaca.',
	'Ketika ditanya mengenai target tahun depan, {person} menyebut angka {pct} persen sebagai sasaran yang realistis.'
];

export const TEMPLATES_EN: readonly string[] = [
	'The {nom} of {obj} is an essential part of the government effort to achieve {goal}.',
	'In {year}, {office} {pas} {obj} with a combined value of {amount}.',
	'{Obj} that are {pas} properly can support {goal}.',
	'However, the {nom} of {obj} still faces several obstacles, including {issue}.',
	'To address this, {actor} need to {act} {obj} in a more orderly and accountable way.',
	'According to {person}, the success of {nom} depends on the commitment of every employee to keep innovating.',
	'The data show that the {nom} of {obj} increased by {pct} percent compared with the previous year.',
	'In practice, {actor} must ensure that all {obj} have been {pas} in accordance with the regulations.',
	'Coordination between {actor} and {actor2} is key to successful {nom} in the regions.',
	'Through {tool}, the {nom} process can now be monitored in real time by stakeholders.',
	'The biggest challenge in the field is {issue}.',
	'Many {obj} have not yet been {pas} because of {issue}.',
	'Going forward, {actor} are expected to {act} {obj} with the help of information technology.',
	'An evaluation in {month} {year} showed that the {nom} of {obj} was proceeding as planned.',
	'This policy reflects the awareness that {obj} hold considerable economic potential.',
	'As a result, {nom} is no longer seen as an administrative burden but as an opportunity to create value.',
	'"We want every asset to deliver real benefits to the state," said {person}.',
	'From a regulatory perspective, the {nom} of {obj} rests on a solid legal foundation.',
	'Nevertheless, there is still room for improvement, particularly regarding {issue}.',
	'This figure is equivalent to {pct} percent of the target set in the strategic plan.',
	'One of the breakthroughs introduced is the electronic {nom} of {obj}.',
	'Ultimately, the measure of success for {nom} is the achievement of {goal}.',
	'Before {obj} are {pas}, the completeness of their documents is checked.',
	'Since {pyear}, the number of {obj} {pas} each year has shown an upward trend.',
	'Good management begins with accurate data, which is why {obj} must be {pas} regularly.',
	'With the support of {tool}, service time has been cut from {days1} to {days2} working days.',
	'Officials at {office} regularly visit the field to make sure that {obj} are {pas} correctly.',
	'International experience suggests that {ger} {obj} transparently builds public trust.',
	'Within the Ministry of Finance, DJKN plays a central role in {ger} {obj}.',
	'A phased approach allows {actor} to {act} {obj} without neglecting compliance.',
	'In {city}, the {nom} of {obj} has been welcomed by the local community.',
	'All of these steps lead to a single objective: {goal}.',
	'Case studies from several regional offices illustrate how {ger} {obj} can be done efficiently even with a limited budget.',
	'It can be argued that {nom} should be treated as a strategic function rather than a clerical task.',
	'Indicators such as the value of {obj} {pas} per year help managers track progress.',
	'The programme is designed to achieve {goal} while also promoting {goal2}.',
	'Staff at {office} report that persuasion is often more effective than purely administrative measures.',
	'Left unaddressed, {issue} could result in losses to the state.',
	'By {month} {year}, the value of {obj} {pas} had reached {amount}, according to {office}.',
	'Readers should note that the procedures described here are simplified for teaching purposes.'
];

/** Regulation-style clauses (ayat) for the body chapters of PMK/PER texts. */
export const CLAUSES_ID: readonly string[] = [
	'{Actor} wajib {act} {obj} yang berada dalam penguasaannya.',
	'{Nom} {obj} dilaksanakan dengan memperhatikan prinsip {goal}.',
	'Ketentuan lebih lanjut mengenai tata cara {nom} {obj} diatur dengan Peraturan Direktur Jenderal.',
	'{Nom} {obj} dilakukan berdasarkan permohonan yang diajukan oleh {actor} kepada {actor2}.',
	'Dalam hal {obj} belum {pas}, {actor} dapat mengajukan usulan kepada {actor2}.',
	'{Actor} bertanggung jawab atas {nom} {obj} di lingkungan unit yang dipimpinnya.',
	'{Actor} menyampaikan laporan {nom} {obj} secara semesteran dan tahunan kepada {actor2}.',
	'Pengawasan dan pengendalian atas {nom} {obj} dilaksanakan oleh {actor} sesuai dengan kewenangannya.',
	'{Nom} {obj} dapat dilakukan secara elektronik melalui {tool}.',
	'Dokumen elektronik yang dihasilkan dalam {nom} {obj} mempunyai kekuatan hukum yang sama dengan dokumen tertulis.',
	'{Obj} yang telah {pas} dicatat dalam daftar barang sesuai dengan ketentuan peraturan perundang-undangan.',
	'Biaya yang timbul dalam rangka {nom} {obj} dibebankan pada Anggaran Pendapatan dan Belanja Negara.',
	'{Actor} dapat membentuk tim untuk melaksanakan {nom} {obj}.',
	'Persetujuan atau penolakan atas permohonan {nom} {obj} diberikan dalam bentuk surat keputusan.'
];

/** Questions for magazine interviews ("Tanya:"). */
export const INTERVIEW_QUESTIONS_ID: readonly string[] = [
	'Bagaimana Anda melihat perkembangan {nom} {obj} saat ini?',
	'Apa tantangan terbesar yang dihadapi di wilayah kerja Anda?',
	'Inovasi apa yang sudah dilakukan untuk mempercepat {nom} {obj}?',
	'Bagaimana koordinasi dengan {actor} selama ini?',
	'Apa target yang ingin dicapai dalam dua tahun ke depan?',
	'Seberapa besar peran teknologi dalam pekerjaan sehari-hari?',
	'Apa pesan Anda bagi pegawai muda di lingkungan DJKN?',
	'Bagaimana cara menjaga integritas pegawai di lapangan?'
];

/** Sub-headings used inside longer feature articles and book chapters. */
export const SUBHEADINGS_ID: readonly string[] = [
	'Tantangan di Lapangan',
	'Langkah ke Depan',
	'Kolaborasi Lintas Instansi',
	'Berbasis Data',
	'Dampak bagi Masyarakat',
	'Belajar dari Daerah',
	'Kerangka Regulasi',
	'Catatan Penutup'
];

export const SUBHEADINGS_EN: readonly string[] = [
	'Challenges in the Field',
	'The Way Forward',
	'Working Across Agencies',
	'Building on Data',
	'Lessons from the Regions',
	'Legal Framework'
];

// ---------------------------------------------------------------------------
// Number formatting
// ---------------------------------------------------------------------------

/** Formats a number with Indonesian separators (1.234,5) or English ones (1,234.5). */
export function formatNumber(value: number, decimals: number, lang: 'id' | 'en'): string {
	const fixed = value.toFixed(decimals);
	const [intPart, fracPart] = fixed.split('.');
	const thousands = lang === 'id' ? '.' : ',';
	const decimal = lang === 'id' ? ',' : '.';
	const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
	return fracPart === undefined ? grouped : `${grouped}${decimal}${fracPart}`;
}

function capitalize(text: string): string {
	return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

/**
 * Produces sentences and paragraphs from the banks with a seeded PRNG.
 *
 * Templates are drawn from a shuffled deck (reshuffled when exhausted) rather
 * than independently, so one document rarely repeats a sentence shape.
 */
export class TextWriter {
	private deck: number[] = [];
	private readonly usedFacts = new Set<string>();
	private readonly templates: readonly string[];

	/**
	 * @param rng   the record's random stream
	 * @param lang  language of the produced text
	 * @param year  publication year; dates and "sepanjang tahun X" refer to it
	 */
	constructor(
		private readonly rng: Rng,
		readonly lang: 'id' | 'en',
		private readonly year: number
	) {
		this.templates = lang === 'id' ? TEMPLATES_ID : TEMPLATES_EN;
	}

	/** Vocabulary for a topic in this writer's language. */
	lexicon(topic: TopicId): Lexicon {
		const lex = this.lang === 'id' ? TOPICS_ID[topic] : TOPICS_EN[topic];
		if (!lex) throw new Error(`No ${this.lang} lexicon for topic ${topic}`);
		return lex;
	}

	/** A random office name ("KPKNL Medan", "Kanwil DJKN Jawa Timur"). */
	office(): string {
		if (this.lang === 'en') return `KPKNL ${this.rng.pick(CITIES)}`;
		return this.rng.chance(0.6)
			? `KPKNL ${this.rng.pick(CITIES)}`
			: `Kanwil DJKN ${this.rng.pick(KANWIL)}`;
	}

	/** A job title attached to an office, e.g. "Kepala Seksi Penilaian KPKNL Palu". */
	role(): string {
		if (this.rng.chance(0.7)) return `${this.rng.pick(KPKNL_ROLES)} ${this.rng.pick(CITIES)}`;
		return `${this.rng.pick(KANWIL_ROLES)} ${this.rng.pick(KANWIL)}`;
	}

	/** Rupiah amount in words-and-digits style, e.g. "Rp845,6 miliar". */
	amount(): string {
		const trillions = this.rng.chance(0.35);
		const value = trillions ? this.rng.range(1.2, 98) : this.rng.range(12, 990);
		const number = formatNumber(value, 1, this.lang);
		if (this.lang === 'en') return `IDR ${number} ${trillions ? 'trillion' : 'billion'}`;
		return `Rp${number} ${trillions ? 'triliun' : 'miliar'}`;
	}

	/** Fills one template with vocabulary from `topic`. */
	fill(template: string, topic: TopicId): string {
		const lex = this.lexicon(topic);
		const rng = this.rng;
		const action = rng.pick(lex.actions);
		const [obj, obj2] = rng.sample(lex.objects, 2);
		const [actor, actor2] = rng.sample(lex.actors, 2);
		const [goal, goal2] = rng.sample(lex.goals, 2);
		const months = this.lang === 'id' ? MONTHS_ID : MONTHS_EN;
		const days1 = rng.int(10, 30);
		const values: Record<string, () => string> = {
			obj: () => obj,
			obj2: () => obj2 ?? obj,
			act: () => action.active,
			pas: () => action.passive,
			nom: () => action.noun,
			ger: () => action.gerund ?? action.noun,
			actor: () => actor,
			actor2: () => actor2 ?? actor,
			goal: () => goal,
			goal2: () => goal2 ?? goal,
			issue: () => rng.pick(lex.issues),
			tool: () => rng.pick(lex.tools),
			office: () => this.office(),
			office2: () => (this.lang === 'id' ? 'Kementerian Keuangan' : 'the Ministry of Finance'),
			city: () => rng.pick(CITIES),
			person: () => rng.pick(PEOPLE),
			role: () => this.role(),
			year: () => String(this.year - rng.int(0, 1)),
			pyear: () => String(this.year - rng.int(3, 6)),
			month: () => rng.pick(months),
			pct: () => formatNumber(rng.range(3, 97), 1, this.lang),
			amount: () => this.amount(),
			count: () => formatNumber(rng.int(120, 9800), 0, this.lang),
			smallcount: () => String(rng.int(8, 64)),
			score: () => formatNumber(rng.range(4.1, 4.9), 2, this.lang),
			days1: () => String(days1),
			days2: () => String(rng.int(2, Math.max(3, Math.floor(days1 / 3))))
		};
		return template.replace(/\{([A-Za-z0-9]+)\}/g, (match, name: string) => {
			const key = name[0].toLowerCase() + name.slice(1);
			const produce = values[key];
			if (!produce) throw new Error(`Unknown placeholder ${match} in template: ${template}`);
			const value = produce();
			return name[0] === name[0].toUpperCase() ? capitalize(value) : value;
		});
	}

	/** One sentence: usually a template, sometimes a hand-written topic fact. */
	sentence(topic: TopicId): string {
		const lex = this.lexicon(topic);
		if (this.rng.chance(0.18)) {
			const unused = lex.facts.filter((fact) => !this.usedFacts.has(fact));
			if (unused.length > 0) {
				const fact = this.rng.pick(unused);
				this.usedFacts.add(fact);
				return fact;
			}
		}
		if (this.deck.length === 0) {
			this.deck = this.rng.shuffle(this.templates.map((_, index) => index));
		}
		const index = this.deck.pop() ?? 0;
		return this.fill(this.templates[index], topic);
	}

	/** A paragraph of `min`..`max` sentences about `topic`. */
	paragraph(topic: TopicId, min = 3, max = 6): string {
		const count = this.rng.int(min, max);
		const sentences: string[] = [];
		for (let i = 0; i < count; i++) sentences.push(this.sentence(topic));
		return sentences.join(' ');
	}

	/**
	 * `count` paragraphs; topics rotate through `topics` (first one dominant)
	 * so multi-topic sections read as a mix rather than a monologue.
	 */
	paragraphs(topics: readonly TopicId[], count: number, min = 3, max = 6): string[] {
		const out: string[] = [];
		for (let i = 0; i < count; i++) {
			const topic = i === 0 || this.rng.chance(0.55) ? topics[0] : this.rng.pick(topics);
			out.push(this.paragraph(topic, min, max));
		}
		return out;
	}
}

// ---------------------------------------------------------------------------
// Headings for magazine articles
// ---------------------------------------------------------------------------

/** Hand-written feature headings per topic; each is used at most once. */
export const FEATURE_HEADINGS: Readonly<Record<TopicId, readonly string[]>> = {
	bmn: [
		'Menata Ulang Aset Idle Kementerian/Lembaga',
		'Ketika Gedung Tua Menjadi Ruang Kerja Bersama',
		'Rumah Negara dan Kesejahteraan Pegawai',
		'Perencanaan Kebutuhan BMN yang Lebih Cermat',
		'Tertib Administrasi Dimulai dari Satuan Kerja',
		'Penghapusan BMN Rusak Berat Tanpa Drama',
		'Alih Status Penggunaan: Aset Berpindah, Manfaat Bertambah'
	],
	lelang: [
		'Lelang Daring Menjangkau Pelosok Negeri',
		'Di Balik Layar Pelaksanaan Lelang Eksekusi',
		'Mengenal Risalah Lelang Lebih Dekat',
		'Lelang Noneksekusi Sukarela bagi Pelaku UMKM',
		'Balai Lelang Swasta sebagai Mitra Strategis',
		'Menjaga Integritas Pejabat Lelang',
		'Lelang Kendaraan Dinas yang Diburu Masyarakat'
	],
	piutang: [
		'Keringanan Utang bagi Debitur Kecil',
		'Menelusuri Jejak Penanggung Utang',
		'Juru Sita di Garis Depan Penagihan',
		'Penyelesaian Piutang Eks Bank dalam Likuidasi',
		'PUPN dan Kepastian Hukum Penagihan',
		'Strategi Baru Menagih Piutang Macet'
	],
	knd: [
		'Menakar Efektivitas Penyertaan Modal Negara',
		'Dividen BUMN dan Ketahanan APBN',
		'Induk Usaha BUMN: Sinergi atau Beban?',
		'Tata Kelola Investasi Pemerintah',
		'Membaca Laporan Keuangan BUMN dari Kacamata Pemegang Saham'
	],
	penilaian: [
		'Penilai Pemerintah dan Nilai Wajar',
		'Menilai Kekayaan Sumber Daya Alam',
		'Data Pembanding: Kunci Penilaian yang Akurat',
		'Penilaian Properti di Era Digital',
		'Sehari Bersama Tim Penilai di Pedalaman'
	],
	digital: [
		'SIMAN Versi Terbaru: Apa yang Berubah?',
		'Memetakan Tanah Negara dengan Penandaan Geografis',
		'Transformasi Digital Layanan DJKN',
		'Dasbor Aset untuk Pimpinan',
		'Persetujuan Elektronik dalam Hitungan Jam'
	],
	rb: [
		'Menuju Wilayah Birokrasi Bersih dan Melayani',
		'Agen Perubahan di Unit Vertikal',
		'Belajar Tanpa Batas di Era Kerja Hibrida',
		'Kinerja Berbasis Hasil, Bukan Sekadar Kehadiran',
		'Melayani dengan Hati di Kantor Pelayanan'
	],
	hukum: [
		'Menghadapi Gugatan Lelang di Pengadilan',
		'Penyederhanaan Regulasi Kekayaan Negara',
		'Bantuan Hukum bagi Pegawai',
		'Harmonisasi Aturan Pengelolaan Aset'
	],
	keuangan: [
		'Neraca Pemerintah Setelah Revaluasi',
		'Rekonsiliasi BMN: Pekerjaan Rumah Setiap Semester',
		'Menjaga Opini Wajar Tanpa Pengecualian',
		'Aset Tetap dalam Laporan Keuangan Pemerintah Pusat'
	],
	infra: [
		'Daur Ulang Aset untuk Infrastruktur Baru',
		'Menyiapkan Aset di Ibu Kota Nusantara',
		'Kawasan Perkantoran Terpadu sebagai Solusi',
		'Pengadaan Tanah untuk Proyek Strategis Nasional',
		'Revitalisasi Gedung Bersejarah Milik Negara'
	]
};

/** Generic taglines combined with "<Activity> <Object>:" for extra headings. */
export const HEADING_TAGLINES: readonly string[] = [
	'Dari Beban Menjadi Peluang',
	'Menjawab Tantangan Zaman',
	'Langkah Nyata di Lapangan',
	'Cerita dari Unit Vertikal',
	'Antara Target dan Realita',
	'Menuju Tata Kelola yang Lebih Baik',
	'Belajar dari Pengalaman',
	'Mengawal Hak Negara',
	'Terobosan di Tengah Keterbatasan',
	'Sinergi untuk Negeri',
	'Bukan Sekadar Angka',
	'Inovasi Tanpa Henti',
	'Menjaga Amanah Publik',
	'Ikhtiar Panjang yang Berbuah Hasil'
];

/** "Kiprah Daerah" phrases; the office name is prefixed. */
export const REGION_PHRASES: readonly string[] = [
	'Menjemput Bola ke Satuan Kerja',
	'Mempercepat Sertifikasi Tanah Negara',
	'Menggelar Lelang Serentak',
	'Membina Debitur Kecil',
	'Menghidupkan Aset Idle',
	'Merawat Aset di Wilayah Perbatasan',
	'Membuka Layanan Konsultasi Akhir Pekan',
	'Menyapa Masyarakat Lewat Radio Lokal'
];

export const MISC_HEADINGS: readonly string[] = [
	'Mengenal Jabatan Fungsional Pelelang',
	'Tips Mengikuti Lelang untuk Pemula',
	'Perpustakaan DJKN Kini Hadir Secara Digital',
	'Sejarah Singkat Vendu Reglement',
	'Lima Fakta Menarik tentang Rumah Negara',
	'Mengenal Istilah dalam Penilaian Aset',
	'Catatan dari Rapat Kerja Nasional DJKN',
	'Olahraga dan Kebersamaan di Unit Vertikal',
	'Jejak Sejarah Gedung-Gedung Milik Negara',
	'Kuis Kekayaan Negara untuk Pembaca'
];

/** Opinion pieces: headings that read as arguments rather than reports. */
export const OPINION_HEADINGS: readonly string[] = [
	'Aset Negara Bukan Sekadar Angka di Neraca',
	'Mengapa Lelang Harus Lebih Dekat dengan Anak Muda',
	'Piutang Negara dan Seni Bernegosiasi',
	'Menimbang Ulang Konsep Aset Idle',
	'Data Aset Adalah Aset',
	'Penilai yang Independen, Negara yang Kuat',
	'Birokrasi yang Melayani Dimulai dari Meja Depan',
	'Saatnya BUMN Membayar Kembali Kepercayaan Publik',
	'Regulasi yang Baik Adalah Regulasi yang Dipahami',
	'Belajar dari Negara Lain dalam Mengelola Aset Publik',
	'Menghidupkan Gedung Kosong di Tengah Kota',
	'Lelang dan Keadilan bagi Debitur'
];
